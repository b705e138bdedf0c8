using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace ePost.Core.Ids;

/// <summary>A 160-bit position on the ring, compared as an unsigned big-endian number that wraps at 2^160.</summary>
/// <remarks>
/// Stored as the top 128 bits and the bottom 32 bits so that the ring arithmetic (distance, digit, prefix)
/// needs no allocation: the overlay evaluates these millions of times a second in the simulator.
/// </remarks>
public readonly struct RingId : IEquatable<RingId>, IComparable<RingId>
{
    /// <summary>Bits in an id.</summary>
    public const int Bits = 160;

    /// <summary>Bytes in an id's binary form.</summary>
    public const int ByteLength = 20;

    /// <summary>Characters in an id's hexadecimal form.</summary>
    public const int HexLength = 40;

    private readonly UInt128 _high; // bits 159..32
    private readonly uint _low;     // bits 31..0

    private RingId(UInt128 high, uint low)
    {
        _high = high;
        _low = low;
    }

    /// <summary>The id 0.</summary>
    public static RingId Zero => default;

    /// <summary>The id's 64 most significant bits (bits 159..96): where it sits on the ring, to 2^-64 of a turn.</summary>
    public ulong Top64 => (ulong)(_high >> 64);

    /// <summary>The id 2^160 - 1.</summary>
    public static RingId Max => new(UInt128.MaxValue, uint.MaxValue);

    /// <summary>Half the ring, 2^159.</summary>
    public static RingId Half => new(UInt128.One << 127, 0);

    /// <summary>Reads exactly 20 big-endian bytes.</summary>
    /// <exception cref="ArgumentException">When the span is not exactly 20 bytes long.</exception>
    public static RingId FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != ByteLength)
            throw new ArgumentException($"A ring id is {ByteLength} bytes, not {bytes.Length}.", nameof(bytes));
        var high = BinaryPrimitives.ReadUInt128BigEndian(bytes[..16]);
        var low = BinaryPrimitives.ReadUInt32BigEndian(bytes[16..]);
        return new RingId(high, low);
    }

    /// <summary>Parses exactly 40 hexadecimal characters.</summary>
    /// <exception cref="FormatException">When the text is not 40 hex digits.</exception>
    public static RingId Parse(string hex)
    {
        if (!TryParse(hex, out var id))
            throw new FormatException($"A ring id is {HexLength} hexadecimal digits; got \"{Truncate(hex)}\".");
        return id;
    }

    /// <summary>Parses exactly 40 hexadecimal characters, without throwing.</summary>
    public static bool TryParse(string? hex, out RingId id)
    {
        id = default;
        if (hex is null || hex.Length != HexLength) return false;
        Span<byte> bytes = stackalloc byte[ByteLength];
        if (Convert.FromHexString(hex, bytes, out _, out var written) != OperationStatus.Done || written != ByteLength)
            return false;
        id = FromBytes(bytes);
        return true;
    }

    /// <summary>The first 160 bits of SHA-256 over the bytes: how node ids derive from public keys.</summary>
    public static RingId FromSha256(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(data, digest);
        return FromBytes(digest[..ByteLength]);
    }

    /// <summary>The id of a user: the first 160 bits of SHA-256 of the lower-cased address.</summary>
    public static RingId ForAddress(string address) =>
        FromSha256(Encoding.UTF8.GetBytes(address.Trim().ToLowerInvariant()));

    /// <summary>A uniformly random id drawn from the given source (deterministic for a seeded source).</summary>
    public static RingId Random(Random random)
    {
        Span<byte> bytes = stackalloc byte[ByteLength];
        random.NextBytes(bytes);
        return FromBytes(bytes);
    }

    /// <summary>The id at <paramref name="numerator"/>/<paramref name="denominator"/> of the way around the ring.</summary>
    public static RingId FromFraction(int numerator, int denominator)
    {
        if (denominator <= 0 || numerator < 0 || numerator >= denominator)
            throw new ArgumentOutOfRangeException(nameof(numerator), "Need 0 <= numerator < denominator.");
        // floor(numerator * 2^160 / denominator), computed exactly.
        var value = (BigInteger.One << Bits) * numerator / denominator;
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        Span<byte> padded = stackalloc byte[ByteLength];
        bytes.CopyTo(padded[(ByteLength - bytes.Length)..]);
        return FromBytes(padded);
    }

    /// <summary>Writes the 20 big-endian bytes.</summary>
    public void WriteBytes(Span<byte> destination)
    {
        if (destination.Length < ByteLength)
            throw new ArgumentException($"Need {ByteLength} bytes.", nameof(destination));
        BinaryPrimitives.WriteUInt128BigEndian(destination, _high);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], _low);
    }

    /// <summary>The 20 big-endian bytes.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[ByteLength];
        WriteBytes(bytes);
        return bytes;
    }

    /// <summary>The digit at <paramref name="index"/> (0 = most significant) when the id is read in digits of <paramref name="bitsPerDigit"/> bits.</summary>
    public int Digit(int index, int bitsPerDigit)
    {
        var shift = Bits - (index + 1) * bitsPerDigit;
        if (bitsPerDigit is < 1 or > 8 || shift < 0 || index < 0)
            throw new ArgumentOutOfRangeException(nameof(index), $"Digit {index} of {bitsPerDigit} bits is outside a {Bits}-bit id.");
        var mask = (1UL << bitsPerDigit) - 1;
        if (shift >= 32) return (int)((ulong)(_high >> (shift - 32)) & mask);
        var window = (ulong)(_high << (32 - shift)) | (_low >> shift);
        return (int)(window & mask);
    }

    /// <summary>Returns this id with the digit at <paramref name="index"/> replaced.</summary>
    public RingId WithDigit(int index, int bitsPerDigit, int digit)
    {
        var shift = Bits - (index + 1) * bitsPerDigit;
        if (bitsPerDigit is < 1 or > 8 || shift < 0 || index < 0 || digit < 0 || digit >= 1 << bitsPerDigit)
            throw new ArgumentOutOfRangeException(nameof(digit));
        var mask = ShiftLeft(new RingId(0, (uint)((1 << bitsPerDigit) - 1)), shift);
        var value = ShiftLeft(new RingId(0, (uint)digit), shift);
        return new RingId((_high & ~mask._high) | value._high, (_low & ~mask._low) | value._low);
    }

    /// <summary>Number of leading bits two ids share (160 when equal).</summary>
    public static int SharedPrefixBits(RingId a, RingId b)
    {
        var high = a._high ^ b._high;
        if (high != UInt128.Zero) return (int)UInt128.LeadingZeroCount(high);
        var low = a._low ^ b._low;
        return low == 0 ? Bits : 128 + BitOperations.LeadingZeroCount(low);
    }

    /// <summary>Number of leading digits of <paramref name="bitsPerDigit"/> bits two ids share.</summary>
    public static int SharedPrefixDigits(RingId a, RingId b, int bitsPerDigit) =>
        SharedPrefixBits(a, b) / bitsPerDigit;

    /// <summary>(a + b) mod 2^160.</summary>
    public static RingId operator +(RingId a, RingId b)
    {
        var low = a._low + b._low;
        var carry = low < a._low ? UInt128.One : UInt128.Zero;
        return new RingId(a._high + b._high + carry, low);
    }

    /// <summary>(a - b) mod 2^160.</summary>
    public static RingId operator -(RingId a, RingId b)
    {
        var low = a._low - b._low;
        var borrow = a._low < b._low ? UInt128.One : UInt128.Zero;
        return new RingId(a._high - b._high - borrow, low);
    }

    /// <summary>How far one travels clockwise (increasing ids, wrapping at 2^160) from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static RingId ClockwiseDistance(RingId from, RingId to) => to - from;

    /// <summary>The shorter of the two ways around the ring between two ids.</summary>
    public static RingId Distance(RingId a, RingId b)
    {
        var clockwise = b - a;
        var counter = a - b;
        return clockwise <= counter ? clockwise : counter;
    }

    /// <summary>
    /// Orders two candidates by closeness to <paramref name="key"/>: negative when <paramref name="a"/> is closer.
    /// Equal distances (one candidate on each side) go to the candidate counter-clockwise of the key, so every
    /// node agrees on one root for every key.
    /// </summary>
    public static int CompareCloseness(RingId key, RingId a, RingId b)
    {
        if (a == b) return 0;
        var byDistance = Distance(a, key).CompareTo(Distance(b, key));
        if (byDistance != 0) return byDistance;
        // Tie: a = key - d and b = key + d (or the reverse). Prefer the one from which the key lies clockwise.
        return ClockwiseDistance(a, key) <= ClockwiseDistance(b, key) ? -1 : 1;
    }

    /// <summary>True when <paramref name="candidate"/> is strictly closer to <paramref name="key"/> than <paramref name="incumbent"/>.</summary>
    public static bool IsCloser(RingId key, RingId candidate, RingId incumbent) =>
        CompareCloseness(key, candidate, incumbent) < 0;

    /// <summary>True when walking clockwise from <paramref name="start"/> reaches <paramref name="id"/> no later than <paramref name="end"/> (inclusive arc).</summary>
    public static bool InClockwiseArc(RingId id, RingId start, RingId end) =>
        ClockwiseDistance(start, id) <= ClockwiseDistance(start, end);

    private static RingId ShiftLeft(RingId value, int shift)
    {
        if (shift == 0) return value;
        if (shift >= Bits) return Zero;
        if (shift >= 32)
        {
            // The low word moves entirely into the high part; UInt128 shifts wrap their count, so guard >= 128.
            var fromHigh = shift >= 128 ? UInt128.Zero : value._high << shift;
            var fromLow = shift - 32 >= 128 ? UInt128.Zero : (UInt128)value._low << (shift - 32);
            return new RingId(fromHigh | fromLow, 0);
        }
        var newHigh = (value._high << shift) | (UInt128)(value._low >> (32 - shift));
        return new RingId(newHigh, value._low << shift);
    }

    /// <inheritdoc />
    public int CompareTo(RingId other)
    {
        var high = _high.CompareTo(other._high);
        return high != 0 ? high : _low.CompareTo(other._low);
    }

    /// <inheritdoc />
    public bool Equals(RingId other) => _high == other._high && _low == other._low;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is RingId other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_high, _low);

    /// <summary>The 40 lower-case hexadecimal digits.</summary>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[ByteLength];
        WriteBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>The first eight hex digits, for logs and tables.</summary>
    public string ToShortString() => ToString()[..8];

    public static bool operator ==(RingId a, RingId b) => a.Equals(b);
    public static bool operator !=(RingId a, RingId b) => !a.Equals(b);
    public static bool operator <(RingId a, RingId b) => a.CompareTo(b) < 0;
    public static bool operator >(RingId a, RingId b) => a.CompareTo(b) > 0;
    public static bool operator <=(RingId a, RingId b) => a.CompareTo(b) <= 0;
    public static bool operator >=(RingId a, RingId b) => a.CompareTo(b) >= 0;

    private static string Truncate(string? text) =>
        text is null ? "null" : text.Length <= 48 ? text : text[..48] + "...";
}
