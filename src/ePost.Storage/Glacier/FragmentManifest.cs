using System.Buffers.Binary;
using ePost.Core.Crypto;
using ePost.Core.Erasure;
using ePost.Core.Hashing;
using ePost.Core.Ids;
using ePost.Storage.Leases;

namespace ePost.Storage.Glacier;

/// <summary>
/// The writer's signed description of one archived container (the code, the container's length and SHA-256, the
/// Merkle root over its fragments and the lease) together with one fragment's Merkle path: what a holder stores
/// with that fragment, and what every fragment is checked against when stored, read and rebuilt.
/// </summary>
/// <remarks>
/// <para>
/// The container id is bound to the writer: id = first 160 bits of SHA-256(writer key | container SHA-256), and
/// decoding refuses a manifest whose id does not match its own key and content hash. Nobody else can therefore sign
/// a manifest for someone's container, so a forger cannot squat a fragment position before a rebuild reaches it.
/// </para>
/// <para>
/// The fragments are named by one <see cref="MerkleTree"/> root, not a list of n digests, and each fragment carries
/// only its own path (at most ceil(log2 n) hashes, 256 bytes at n = 255): about 460 bytes with every fragment
/// instead of n x 32 + 175 (8 KB at n = 251). The path is outside the signature; it is checked against the signed
/// root. A rebuilder that decoded the container re-encodes it, checks the root and so has every path.
/// </para>
/// <para>
/// The lease is a duration ("keep 60 days"), never an instant: each holder counts it on its own lease clock from
/// when it stored the fragment. A renewal is the same manifest with a new lease and a higher <see cref="Version"/>.
/// </para>
/// <code>
/// "EPGM" | u8 format = 2 | container id (20) | container SHA-256 (32) | u8 n | u8 m | u32 container length
///        | i64 lease ms | i64 version | writer key (32) | Merkle root (32) | signature (64) over everything before it
///        | u8 fragment index | u8 path length k | k x SHA-256 (32)
/// </code>
/// </remarks>
public sealed class FragmentManifest
{
    private static ReadOnlySpan<byte> Magic => "EPGM"u8;
    private const byte Format = 2;
    private const int IdAt = 5, ContentAt = 25, NAt = 57, MAt = 58, LengthAt = 59, LeaseAt = 63, VersionAt = 71, KeyAt = 79;
    private const int RootAt = KeyAt + Ed25519.PublicKeyLength;
    /// <summary>Bytes the signature covers: everything before it (header and Merkle root).</summary>
    public const int SignedLength = RootAt + Sha256.Length;
    private const int TrailerAt = SignedLength + Ed25519.SignatureLength;

    /// <summary>Longest encoding (n = 255).</summary>
    public static int MaxEncodedLength => EncodedLengthFor(ErasureCodec.MaxFragments);

    /// <summary>Most bytes in the manifest stored with each fragment of a container cut into <paramref name="n"/> fragments.</summary>
    public static int EncodedLengthFor(int n) => TrailerAt + 2 + MerkleTree.MaxPathLength(n) * Sha256.Length;

    private readonly byte[] _signed;
    private readonly byte[][] _path;

    private FragmentManifest(byte[] signed, int index, byte[][] path)
    {
        _signed = signed;
        _path = path;
        Index = index;
        var span = signed.AsSpan();
        ContainerId = RingId.FromBytes(span.Slice(IdAt, RingId.ByteLength));
        N = span[NAt];
        M = span[MAt];
        ContainerLength = (int)BinaryPrimitives.ReadUInt32BigEndian(span[LengthAt..]);
        Lease = LeaseDuration.FromMilliseconds(BinaryPrimitives.ReadInt64BigEndian(span[LeaseAt..]));
        Version = BinaryPrimitives.ReadInt64BigEndian(span[VersionAt..]);
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

    /// <summary>The fragment whose Merkle path this copy carries.</summary>
    public int Index { get; }

    /// <summary>The SHA-256 of the whole container, checked after a rebuild.</summary>
    public ReadOnlyMemory<byte> ContentHash => _signed.AsMemory(ContentAt, Sha256.Length);

    /// <summary>The signing writer's Ed25519 public key.</summary>
    public ReadOnlyMemory<byte> WriterKey => _signed.AsMemory(KeyAt, Ed25519.PublicKeyLength);

    /// <summary>The Merkle root over every fragment.</summary>
    public ReadOnlyMemory<byte> MerkleRoot => _signed.AsMemory(RootAt, Sha256.Length);

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

    /// <summary>
    /// Signs the manifest of a container whose SHA-256 is <paramref name="contentHash"/> and whose fragments are
    /// <paramref name="fragments"/>, and returns one copy per fragment, each with that fragment's path.
    /// </summary>
    public static IReadOnlyList<FragmentManifest> Create(Ed25519KeyPair writer, ReadOnlySpan<byte> contentHash, int n, int m, int containerLength,
        IReadOnlyList<byte[]> fragments, LeaseDuration lease, long version = 1)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(fragments);
        if (n is < 1 or > ErasureCodec.MaxFragments || m < 1 || m > n) throw new ArgumentException($"impossible code n = {n}, m = {m}.");
        if (fragments.Count != n) throw new ArgumentException($"{fragments.Count} fragments for a code of {n}.", nameof(fragments));
        if (contentHash.Length != Sha256.Length) throw new ArgumentException("the content hash must be a SHA-256.", nameof(contentHash));
        ArgumentOutOfRangeException.ThrowIfNegative(containerLength);
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        var (root, paths) = MerkleTree.Build(fragments);
        var bytes = new byte[TrailerAt];
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
        root.CopyTo(span[RootAt..]);
        writer.Sign(span[..SignedLength]).CopyTo(span[SignedLength..]);
        return paths.Select((path, i) => new FragmentManifest(bytes, i, path)).ToList();
    }

    /// <summary>
    /// This signed manifest with every fragment's path, from the whole set of <paramref name="fragments"/> (re-encoded
    /// by a rebuilder); null when they are not the fragments the signed root names.
    /// </summary>
    public IReadOnlyList<FragmentManifest>? ForEveryFragment(IReadOnlyList<byte[]> fragments)
    {
        ArgumentNullException.ThrowIfNull(fragments);
        if (fragments.Count != N || fragments.Any(f => f is null || f.Length != FragmentSize)) return null;
        var (root, paths) = MerkleTree.Build(fragments);
        if (!root.AsSpan().SequenceEqual(MerkleRoot.Span)) return null;
        return paths.Select((path, i) => new FragmentManifest(_signed, i, path)).ToList();
    }

    /// <summary>Reads a manifest and checks its signature, its id binding and its path's shape; anything malformed is refused with the reason.</summary>
    /// <exception cref="InvalidDataException">When the bytes are not a well-formed manifest signed by the key it names.</exception>
    public static FragmentManifest Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length < TrailerAt + 2 || encoded.Length > MaxEncodedLength)
            throw new InvalidDataException($"a manifest of {encoded.Length} bytes is outside the possible sizes.");
        if (!encoded[..4].SequenceEqual(Magic) || encoded[4] != Format) throw new InvalidDataException("not a fragment manifest (magic or format).");
        int n = encoded[NAt], m = encoded[MAt];
        if (n < 1 || m < 1 || m > n) throw new InvalidDataException($"impossible code n = {n}, m = {m}.");
        int index = encoded[TrailerAt], pathLength = encoded[TrailerAt + 1];
        if (index >= n) throw new InvalidDataException($"fragment index {index} is outside a code of {n}.");
        if (pathLength > MerkleTree.MaxPathLength(n) || encoded.Length != TrailerAt + 2 + pathLength * Sha256.Length)
            throw new InvalidDataException($"a Merkle path of {pathLength} hashes in {encoded.Length} bytes does not fit a code of {n}.");
        if (BinaryPrimitives.ReadUInt32BigEndian(encoded[LengthAt..]) > int.MaxValue) throw new InvalidDataException("container length out of range.");
        if (!LeaseDuration.TryFromMilliseconds(BinaryPrimitives.ReadInt64BigEndian(encoded[LeaseAt..]), out _))
            throw new InvalidDataException("the lease is outside 1 ms .. 10 years.");
        if (BinaryPrimitives.ReadInt64BigEndian(encoded[VersionAt..]) < 0) throw new InvalidDataException("negative manifest version.");
        var key = encoded.Slice(KeyAt, Ed25519.PublicKeyLength);
        if (IdFor(key, encoded.Slice(ContentAt, Sha256.Length)) != RingId.FromBytes(encoded.Slice(IdAt, RingId.ByteLength)))
            throw new InvalidDataException("the container id is not bound to the writer's key and content hash.");
        if (!Ed25519.Verify(key, encoded[..SignedLength], encoded.Slice(SignedLength, Ed25519.SignatureLength)))
            throw new InvalidDataException("the manifest's signature does not verify under the key it names.");
        var path = new byte[pathLength][];
        for (var i = 0; i < pathLength; i++) path[i] = encoded.Slice(TrailerAt + 2 + i * Sha256.Length, Sha256.Length).ToArray();
        return new FragmentManifest(encoded[..TrailerAt].ToArray(), index, path);
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

    /// <summary>The encoding: the signed manifest and this fragment's path.</summary>
    public byte[] Encode()
    {
        var bytes = new byte[TrailerAt + 2 + _path.Length * Sha256.Length];
        _signed.CopyTo(bytes, 0);
        bytes[TrailerAt] = (byte)Index;
        bytes[TrailerAt + 1] = (byte)_path.Length;
        for (var i = 0; i < _path.Length; i++) _path[i].CopyTo(bytes, TrailerAt + 2 + i * Sha256.Length);
        return bytes;
    }

    /// <summary>True when both are the same signed manifest (whichever fragment's path each carries).</summary>
    public bool SameSignedManifestAs(FragmentManifest other) => _signed.AsSpan().SequenceEqual(other._signed);

    /// <summary>True when <paramref name="fragment"/> is exactly fragment <paramref name="index"/> of this container (this copy's fragment, by its path).</summary>
    public bool Verifies(int index, ReadOnlySpan<byte> fragment) =>
        index == Index && fragment.Length == FragmentSize && MerkleTree.Verify(MerkleRoot.Span, N, index, fragment, _path);

    /// <summary>True when both are signed by the same writer.</summary>
    public bool SameWriterAs(FragmentManifest other) => WriterKey.Span.SequenceEqual(other.WriterKey.Span);

    /// <summary>The ring position of fragment <paramref name="index"/>.</summary>
    public RingId Position(int index) => FragmentPlacement.Position(ContainerId, index, N);
}
