using System.Buffers.Binary;
using ePost.Core.Ids;

namespace ePost.Storage.Repair;

/// <summary>A Bloom filter over ring ids: what a node sends a neighbour to say "these are the objects I hold".</summary>
/// <remarks>
/// <para>
/// Positions come from double hashing, g_i = h1 + i * h2 (mod 2^64), reduced to [0, bits) by multiply-shift. Ring ids
/// are already uniform (they are SHA-256 output), so h1 and h2 are simply the id's first two 64-bit words, each mixed
/// with the filter's <see cref="Seed"/> through a bijective finaliser. The seed matters: with fixed positions an id
/// that collides once collides in every round, and a neighbour would never learn that it lacks it. A fresh seed per
/// round makes the false positives of successive rounds independent.
/// </para>
/// <para>
/// Defaults: 8 bits per key and 4 hash functions, about 2.4% false positives. ePOST used 4 bits and 2 hashes (about
/// 15.5%); doubling the filter to 1 byte per held id costs little next to the objects themselves, and an object missed
/// in one round is missed in three successive rounds with probability about 1.4e-5 instead of 3.7e-3.
/// </para>
/// <para>Encoding: u8 format (1) | u8 hash count | u64 seed | u32 bit count (a multiple of 8) | bits, little-endian within bytes.</para>
/// </remarks>
public sealed class BloomFilter
{
    /// <summary>Default bits per expected key.</summary>
    public const int DefaultBitsPerKey = 8;

    /// <summary>Default number of hash functions.</summary>
    public const int DefaultHashCount = 4;

    /// <summary>Filters are sized for at least this many keys, so a nearly empty range still yields a useful filter.</summary>
    public const int MinimumKeys = 64;

    /// <summary>Most hash functions a filter may use (more never helps below ~23 bits per key, and each costs a probe).</summary>
    public const int MaxHashCount = 16;

    /// <summary>Bytes before the bit array in the encoding.</summary>
    public const int HeaderLength = 1 + 1 + 8 + 4;

    private const byte FormatVersion = 1;

    private readonly byte[] _bits;

    private BloomFilter(byte[] bits, int hashCount, ulong seed)
    {
        _bits = bits;
        HashCount = hashCount;
        Seed = seed;
    }

    /// <summary>Number of bits.</summary>
    public int BitCount => _bits.Length * 8;

    /// <summary>Number of hash functions.</summary>
    public int HashCount { get; }

    /// <summary>The salt that decides positions; pick a new random one per exchange round.</summary>
    public ulong Seed { get; }

    /// <summary>An empty filter sized for <paramref name="expectedKeys"/> keys.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When a parameter is out of range or the filter would exceed 256 MiB.</exception>
    public static BloomFilter Create(int expectedKeys, ulong seed, int bitsPerKey = DefaultBitsPerKey, int hashCount = DefaultHashCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedKeys);
        ArgumentOutOfRangeException.ThrowIfLessThan(bitsPerKey, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bitsPerKey, 64);
        ArgumentOutOfRangeException.ThrowIfLessThan(hashCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hashCount, MaxHashCount);
        var bits = (long)Math.Max(expectedKeys, MinimumKeys) * bitsPerKey;
        var bytes = (bits + 7) / 8;
        if (bytes > 256L * 1024 * 1024)
            throw new ArgumentOutOfRangeException(nameof(expectedKeys), $"A filter of {bytes} bytes is too large; split the range.");
        return new BloomFilter(new byte[bytes], hashCount, seed);
    }

    /// <summary>The false-positive rate theory predicts for <paramref name="keys"/> keys: (1 - e^(-k n / m))^k.</summary>
    public static double ExpectedFalsePositiveRate(int keys, int bitCount, int hashCount) =>
        Math.Pow(1 - Math.Exp(-(double)hashCount * keys / bitCount), hashCount);

    /// <summary>Adds an id.</summary>
    public void Add(RingId id)
    {
        var (h1, h2) = Hashes(id);
        for (var i = 0; i < HashCount; i++)
        {
            var bit = Position(h1 + (ulong)i * h2);
            _bits[bit >> 3] |= (byte)(1 << (int)(bit & 7));
        }
    }

    /// <summary>False when the id was certainly not added; true when it probably was.</summary>
    public bool MightContain(RingId id)
    {
        var (h1, h2) = Hashes(id);
        for (var i = 0; i < HashCount; i++)
        {
            var bit = Position(h1 + (ulong)i * h2);
            if ((_bits[bit >> 3] & (1 << (int)(bit & 7))) == 0) return false;
        }
        return true;
    }

    /// <summary>The compact encoding (header plus bit array).</summary>
    public byte[] Encode()
    {
        var bytes = new byte[HeaderLength + _bits.Length];
        bytes[0] = FormatVersion;
        bytes[1] = (byte)HashCount;
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(2), Seed);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(10), (uint)BitCount);
        _bits.CopyTo(bytes, HeaderLength);
        return bytes;
    }

    /// <summary>Decodes exactly one encoding of at most <paramref name="maxBytes"/> bytes.</summary>
    /// <exception cref="FormatException">When the bytes are too long, truncated, padded, of another format or out of range.</exception>
    public static BloomFilter Decode(ReadOnlySpan<byte> encoded, int maxBytes)
    {
        if (encoded.Length > maxBytes)
            throw new FormatException($"A Bloom filter of {encoded.Length} bytes exceeds the limit of {maxBytes} bytes.");
        if (encoded.Length < HeaderLength)
            throw new FormatException($"A Bloom filter needs a {HeaderLength}-byte header; got {encoded.Length} bytes.");
        if (encoded[0] != FormatVersion)
            throw new FormatException($"Unknown Bloom filter format {encoded[0]}.");
        int hashCount = encoded[1];
        if (hashCount is < 1 or > MaxHashCount)
            throw new FormatException($"A Bloom filter uses 1..{MaxHashCount} hashes, not {hashCount}.");
        var seed = BinaryPrimitives.ReadUInt64BigEndian(encoded[2..]);
        var bitCount = BinaryPrimitives.ReadUInt32BigEndian(encoded[10..]);
        if (bitCount == 0 || bitCount % 8 != 0)
            throw new FormatException($"A Bloom filter's bit count must be a positive multiple of 8, not {bitCount}.");
        var body = encoded[HeaderLength..];
        if ((ulong)body.Length != bitCount / 8)
            throw new FormatException($"The header announces {bitCount / 8} bytes of bits but {body.Length} follow.");
        return new BloomFilter(body.ToArray(), hashCount, seed);
    }

    private (ulong H1, ulong H2) Hashes(RingId id)
    {
        Span<byte> bytes = stackalloc byte[RingId.ByteLength];
        id.WriteBytes(bytes);
        var h1 = Mix(BinaryPrimitives.ReadUInt64BigEndian(bytes) ^ Seed);
        // An odd step never cycles early modulo 2^64; a distinct seed constant keeps h2 independent of h1.
        var h2 = Mix(BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]) ^ (Seed * 0x9E3779B97F4A7C15UL + 0x632BE59BD9B4E019UL)) | 1;
        return (h1, h2);
    }

    // Multiply-shift: an unbiased-enough map of a uniform 64-bit value onto [0, bits) without a division.
    private ulong Position(ulong hash) => (ulong)(((UInt128)hash * (ulong)BitCount) >> 64);

    // MurmurHash3's 64-bit finaliser: a bijection that spreads every input bit over every output bit.
    private static ulong Mix(ulong x)
    {
        x ^= x >> 33;
        x *= 0xFF51AFD7ED558CCDUL;
        x ^= x >> 33;
        x *= 0xC4CEB93FE53B8D53UL;
        x ^= x >> 33;
        return x;
    }
}
