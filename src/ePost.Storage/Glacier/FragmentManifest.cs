using System.Buffers.Binary;
using ePost.Core.Crypto;
using ePost.Core.Erasure;
using ePost.Core.Hashing;
using ePost.Core.Ids;
using ePost.Storage.Leases;

namespace ePost.Storage.Glacier;

/// <summary>
/// The writer's signed description of one archived container: the code, the container's length and SHA-256, the
/// SHA-256 of every fragment and the lease. Every fragment is checked against it when stored, read and rebuilt.
/// </summary>
/// <remarks>
/// <para>
/// The container id is bound to the writer: id = first 160 bits of SHA-256(writer key | container SHA-256), and
/// decoding refuses a manifest whose id does not match its own key and content hash. Nobody else can therefore sign
/// a manifest for someone's container, so a forger cannot squat a fragment position before a rebuild reaches it.
/// </para>
/// <para>
/// The lease is a duration ("keep 60 days"), never an instant: each holder counts it on its own lease clock from
/// when it stored the fragment. A renewal is the same manifest with a new lease and a higher <see cref="Version"/>.
/// </para>
/// <code>
/// "EPGM" | u8 format = 1 | container id (20) | container SHA-256 (32) | u8 n | u8 m | u32 container length
///        | i64 lease ms | i64 version | writer key (32) | n x SHA-256 (32) | signature (64) over everything before it
/// </code>
/// </remarks>
public sealed class FragmentManifest
{
    private static ReadOnlySpan<byte> Magic => "EPGM"u8;
    private const byte Format = 1;
    private const int IdAt = 5, ContentAt = 25, NAt = 57, MAt = 58, LengthAt = 59, LeaseAt = 63, VersionAt = 71, KeyAt = 79;
    private const int HeaderLength = KeyAt + Ed25519.PublicKeyLength;

    /// <summary>Longest encoding (n = 255).</summary>
    public const int MaxEncodedLength = HeaderLength + ErasureCodec.MaxFragments * Sha256.Length + Ed25519.SignatureLength;

    /// <summary>Bytes in the manifest of a container cut into <paramref name="n"/> fragments (every holder stores one).</summary>
    public static int EncodedLengthFor(int n) => HeaderLength + n * Sha256.Length + Ed25519.SignatureLength;

    private readonly byte[] _encoded;

    private FragmentManifest(byte[] encoded, FragmentDigests digests)
    {
        _encoded = encoded;
        var span = encoded.AsSpan();
        ContainerId = RingId.FromBytes(span.Slice(IdAt, RingId.ByteLength));
        N = span[NAt];
        M = span[MAt];
        ContainerLength = (int)BinaryPrimitives.ReadUInt32BigEndian(span[LengthAt..]);
        Lease = LeaseDuration.FromMilliseconds(BinaryPrimitives.ReadInt64BigEndian(span[LeaseAt..]));
        Version = BinaryPrimitives.ReadInt64BigEndian(span[VersionAt..]);
        Digests = digests;
    }

    /// <summary>The container's id: bound to the writer's key and the container's content (<see cref="IdFor"/>).</summary>
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

    /// <summary>The SHA-256 of the whole container, checked after a rebuild.</summary>
    public ReadOnlyMemory<byte> ContentHash => _encoded.AsMemory(ContentAt, Sha256.Length);

    /// <summary>The signing writer's Ed25519 public key.</summary>
    public ReadOnlyMemory<byte> WriterKey => _encoded.AsMemory(KeyAt, Ed25519.PublicKeyLength);

    /// <summary>Bytes in each fragment: ceil(length / m).</summary>
    public int FragmentSize => (int)(((long)ContainerLength + M - 1) / M);

    /// <summary>The reference an owner records for this container.</summary>
    public ContainerRef Reference => new(ContainerId, N, M, WriterKey.ToArray());

    /// <summary>The id of a container with content hash <paramref name="contentHash"/> written under <paramref name="writerKey"/>.</summary>
    public static RingId IdFor(ReadOnlySpan<byte> writerKey, ReadOnlySpan<byte> contentHash)
    {
        Span<byte> both = stackalloc byte[Ed25519.PublicKeyLength + Sha256.Length];
        writerKey.CopyTo(both);
        contentHash.CopyTo(both[Ed25519.PublicKeyLength..]);
        return RingId.FromSha256(both);
    }

    /// <summary>Signs a manifest for a container whose SHA-256 is <paramref name="contentHash"/>.</summary>
    public static FragmentManifest Create(Ed25519KeyPair writer, ReadOnlySpan<byte> contentHash, int n, int m, int containerLength,
        FragmentDigests digests, LeaseDuration lease, long version = 1)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(digests);
        if (n is < 1 or > ErasureCodec.MaxFragments || m < 1 || m > n) throw new ArgumentException($"impossible code n = {n}, m = {m}.");
        if (digests.Count != n) throw new ArgumentException($"{digests.Count} digests for {n} fragments.", nameof(digests));
        if (contentHash.Length != Sha256.Length) throw new ArgumentException("the content hash must be a SHA-256.", nameof(contentHash));
        ArgumentOutOfRangeException.ThrowIfNegative(containerLength);
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        var bytes = new byte[EncodedLengthFor(n)];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        span[4] = Format;
        var key = writer.PublicKey;
        IdFor(key, contentHash).WriteBytes(span[IdAt..]);
        contentHash.CopyTo(span[ContentAt..]);
        span[NAt] = (byte)n;
        span[MAt] = (byte)m;
        BinaryPrimitives.WriteUInt32BigEndian(span[LengthAt..], (uint)containerLength);
        BinaryPrimitives.WriteInt64BigEndian(span[LeaseAt..], lease.Milliseconds);
        BinaryPrimitives.WriteInt64BigEndian(span[VersionAt..], version);
        key.CopyTo(span[KeyAt..]);
        for (var i = 0; i < n; i++) digests[i].CopyTo(span[(HeaderLength + i * Sha256.Length)..]);
        var bodyLength = bytes.Length - Ed25519.SignatureLength;
        writer.Sign(span[..bodyLength]).CopyTo(span[bodyLength..]);
        return new FragmentManifest(bytes, digests);
    }

    /// <summary>Reads a manifest and checks its signature and id binding; anything malformed is refused with the reason.</summary>
    /// <exception cref="InvalidDataException">When the bytes are not a well-formed manifest signed by the key it names.</exception>
    public static FragmentManifest Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length < EncodedLengthFor(1) || encoded.Length > MaxEncodedLength)
            throw new InvalidDataException($"a manifest of {encoded.Length} bytes is outside the possible sizes.");
        if (!encoded[..4].SequenceEqual(Magic) || encoded[4] != Format) throw new InvalidDataException("not a fragment manifest (magic or format).");
        int n = encoded[NAt], m = encoded[MAt];
        if (n < 1 || m < 1 || m > n) throw new InvalidDataException($"impossible code n = {n}, m = {m}.");
        if (encoded.Length != EncodedLengthFor(n)) throw new InvalidDataException($"a manifest for {n} fragments cannot be {encoded.Length} bytes.");
        if (BinaryPrimitives.ReadUInt32BigEndian(encoded[LengthAt..]) > int.MaxValue) throw new InvalidDataException("container length out of range.");
        if (!LeaseDuration.TryFromMilliseconds(BinaryPrimitives.ReadInt64BigEndian(encoded[LeaseAt..]), out _))
            throw new InvalidDataException("the lease is outside 1 ms .. 10 years.");
        if (BinaryPrimitives.ReadInt64BigEndian(encoded[VersionAt..]) < 0) throw new InvalidDataException("negative manifest version.");
        var key = encoded.Slice(KeyAt, Ed25519.PublicKeyLength);
        if (IdFor(key, encoded.Slice(ContentAt, Sha256.Length)) != RingId.FromBytes(encoded.Slice(IdAt, RingId.ByteLength)))
            throw new InvalidDataException("the container id is not bound to the writer's key and content hash.");
        var bodyLength = encoded.Length - Ed25519.SignatureLength;
        if (!Ed25519.Verify(key, encoded[..bodyLength], encoded[bodyLength..]))
            throw new InvalidDataException("the manifest's signature does not verify under the key it names.");
        var digests = new byte[n][];
        for (var i = 0; i < n; i++) digests[i] = encoded.Slice(HeaderLength + i * Sha256.Length, Sha256.Length).ToArray();
        return new FragmentManifest(encoded.ToArray(), new FragmentDigests(digests));
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
