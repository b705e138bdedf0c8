using System.Buffers.Binary;
using ePost.Core.Crypto;
using ePost.Core.Erasure;
using ePost.Core.Hashing;
using ePost.Core.Ids;
using ePost.Storage.Leases;

namespace ePost.Storage.Glacier;

/// <summary>
/// The writer's signed description of one archived container: the code, the container's length, the SHA-256 of
/// every fragment and the lease. Every fragment is checked against it when stored, read and rebuilt.
/// </summary>
/// <remarks>
/// <para>
/// The lease is a duration ("keep 60 days"), never an instant: each holder counts it on its own lease clock from
/// when it stored the fragment. A renewal is the same manifest with a longer lease and a higher
/// <see cref="Version"/>, signed again by the same writer; holders refuse a manifest for a container they hold
/// that another key signed.
/// </para>
/// <code>
/// "EPGM" | u8 format = 1 | container id (20) | u8 n | u8 m | u32 container length | i64 lease ms | i64 version
///        | writer key (32) | n x SHA-256 (32) | signature (64) over everything before it
/// </code>
/// </remarks>
public sealed class FragmentManifest
{
    private static ReadOnlySpan<byte> Magic => "EPGM"u8;
    private const byte Format = 1;
    private const int HeaderLength = 4 + 1 + RingId.ByteLength + 1 + 1 + 4 + 8 + 8 + Ed25519.PublicKeyLength;

    /// <summary>Longest encoding (n = 255).</summary>
    public const int MaxEncodedLength = HeaderLength + ErasureCodec.MaxFragments * Sha256.Length + Ed25519.SignatureLength;

    /// <summary>Bytes in the manifest of a container cut into <paramref name="n"/> fragments (every holder stores one).</summary>
    public static int EncodedLengthFor(int n) => HeaderLength + n * Sha256.Length + Ed25519.SignatureLength;

    private readonly byte[] _encoded;

    private FragmentManifest(byte[] encoded, RingId containerId, int n, int m, int containerLength, LeaseDuration lease, long version, FragmentDigests digests)
    {
        _encoded = encoded;
        ContainerId = containerId;
        N = n;
        M = m;
        ContainerLength = containerLength;
        Lease = lease;
        Version = version;
        Digests = digests;
    }

    /// <summary>The container's id: the first 160 bits of SHA-256 of its bytes.</summary>
    public RingId ContainerId { get; }

    /// <summary>Fragments the container was cut into.</summary>
    public int N { get; }

    /// <summary>Fragments needed to rebuild it.</summary>
    public int M { get; }

    /// <summary>Bytes in the container.</summary>
    public int ContainerLength { get; }

    /// <summary>How long holders keep the fragments, counted on their own clocks from when they store them.</summary>
    public LeaseDuration Lease { get; }

    /// <summary>Renewals carry higher versions; a holder keeps the highest.</summary>
    public long Version { get; }

    /// <summary>The SHA-256 of every fragment.</summary>
    public FragmentDigests Digests { get; }

    /// <summary>The signing writer's Ed25519 public key.</summary>
    public ReadOnlyMemory<byte> WriterKey => _encoded.AsMemory(HeaderLength - Ed25519.PublicKeyLength, Ed25519.PublicKeyLength);

    /// <summary>Bytes in each fragment: ceil(length / m).</summary>
    public int FragmentSize => (int)(((long)ContainerLength + M - 1) / M);

    /// <summary>The reference an owner records for this container.</summary>
    public ContainerRef Reference => new(ContainerId, N, M, WriterKey.ToArray());

    /// <summary>Signs a manifest for a freshly encoded container.</summary>
    public static FragmentManifest Create(Ed25519KeyPair writer, RingId containerId, int n, int m, int containerLength,
        FragmentDigests digests, LeaseDuration lease, long version = 1)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(digests);
        if (n is < 1 or > ErasureCodec.MaxFragments || m < 1 || m > n) throw new ArgumentException($"impossible code n = {n}, m = {m}.");
        if (digests.Count != n) throw new ArgumentException($"{digests.Count} digests for {n} fragments.", nameof(digests));
        ArgumentOutOfRangeException.ThrowIfNegative(containerLength);
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        var bytes = new byte[HeaderLength + n * Sha256.Length + Ed25519.SignatureLength];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        span[4] = Format;
        containerId.WriteBytes(span[5..]);
        span[25] = (byte)n;
        span[26] = (byte)m;
        BinaryPrimitives.WriteUInt32BigEndian(span[27..], (uint)containerLength);
        BinaryPrimitives.WriteInt64BigEndian(span[31..], lease.Milliseconds);
        BinaryPrimitives.WriteInt64BigEndian(span[39..], version);
        writer.PublicKey.CopyTo(span[47..]);
        for (var i = 0; i < n; i++) digests[i].CopyTo(span[(HeaderLength + i * Sha256.Length)..]);
        var bodyLength = bytes.Length - Ed25519.SignatureLength;
        writer.Sign(span[..bodyLength]).CopyTo(span[bodyLength..]);
        return new FragmentManifest(bytes, containerId, n, m, containerLength, lease, version, digests);
    }

    /// <summary>Reads a manifest and checks its signature; anything malformed or unsigned is refused with the reason.</summary>
    /// <exception cref="InvalidDataException">When the bytes are not a well-formed manifest signed by the key it names.</exception>
    public static FragmentManifest Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length < HeaderLength + Sha256.Length + Ed25519.SignatureLength || encoded.Length > MaxEncodedLength)
            throw new InvalidDataException($"a manifest of {encoded.Length} bytes is outside the possible sizes.");
        if (!encoded[..4].SequenceEqual(Magic) || encoded[4] != Format) throw new InvalidDataException("not a fragment manifest (magic or format).");
        int n = encoded[25], m = encoded[26];
        if (n < 1 || m < 1 || m > n) throw new InvalidDataException($"impossible code n = {n}, m = {m}.");
        if (encoded.Length != HeaderLength + n * Sha256.Length + Ed25519.SignatureLength)
            throw new InvalidDataException($"a manifest for {n} fragments cannot be {encoded.Length} bytes.");
        var length = BinaryPrimitives.ReadUInt32BigEndian(encoded[27..]);
        if (length > int.MaxValue) throw new InvalidDataException("container length out of range.");
        if (!LeaseDuration.TryFromMilliseconds(BinaryPrimitives.ReadInt64BigEndian(encoded[31..]), out var lease))
            throw new InvalidDataException("the lease is outside 1 ms .. 10 years.");
        var version = BinaryPrimitives.ReadInt64BigEndian(encoded[39..]);
        if (version < 0) throw new InvalidDataException("negative manifest version.");
        var bodyLength = encoded.Length - Ed25519.SignatureLength;
        if (!Ed25519.Verify(encoded.Slice(47, Ed25519.PublicKeyLength), encoded[..bodyLength], encoded[bodyLength..]))
            throw new InvalidDataException("the manifest's signature does not verify under the key it names.");
        var digests = new byte[n][];
        for (var i = 0; i < n; i++) digests[i] = encoded.Slice(HeaderLength + i * Sha256.Length, Sha256.Length).ToArray();
        return new FragmentManifest(encoded.ToArray(), RingId.FromBytes(encoded.Slice(5, RingId.ByteLength)), n, m, (int)length, lease, version,
            new FragmentDigests(digests));
    }

    /// <summary>Decodes without throwing: null and the reason when the bytes are refused.</summary>
    public static FragmentManifest? TryDecode(ReadOnlySpan<byte> encoded, out string? problem)
    {
        try
        {
            problem = null;
            return Decode(encoded);
        }
        catch (InvalidDataException e)
        {
            problem = e.Message;
            return null;
        }
    }

    /// <summary>The signed encoding (a copy).</summary>
    public byte[] Encode() => (byte[])_encoded.Clone();

    /// <summary>True when <paramref name="fragment"/> is exactly fragment <paramref name="index"/> of this container.</summary>
    public bool Verifies(int index, ReadOnlySpan<byte> fragment) =>
        index >= 0 && index < N && fragment.Length == FragmentSize && Digests.Verify(index, fragment);

    /// <summary>True when both are signed by the same writer.</summary>
    public bool SameWriterAs(FragmentManifest other) => WriterKey.Span.SequenceEqual(other.WriterKey.Span);

    /// <summary>The ring position of fragment <paramref name="index"/>.</summary>
    public RingId Position(int index) => FragmentPlacement.Position(ContainerId, index, N);
}
