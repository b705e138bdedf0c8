using System.Buffers.Binary;
using ePost.Core.Crypto;
using ePost.Core.Erasure;
using ePost.Core.Ids;

namespace ePost.Storage.Glacier;

/// <summary>
/// What the owner records (in the user's root log) to find an archived container again from its fragments alone:
/// the container's id, the code it was cut with and the key that signs its manifests.
/// </summary>
/// <remarks>
/// <para>
/// Fragment i lives at the root of <see cref="FragmentPlacement.Position"/>(id, i, n), so id and n locate every
/// fragment; the id is bound to the writer key and the container's SHA-256 (<see cref="FragmentManifest.IdFor"/>),
/// so only that writer's manifests describe it and the rebuilt container is checked end to end against the hash
/// they carry. The manifest itself is not named: a renewal re-signs it with a higher version, and the reference
/// must stay valid across renewals.
/// </para>
/// <code>u8 version = 1 | container id (20) | u8 n | u8 m | writer key (32)</code>
/// </remarks>
public sealed record ContainerRef(RingId ContainerId, int N, int M, ReadOnlyMemory<byte> WriterKey)
{
    /// <summary>Bytes in the encoding.</summary>
    public const int EncodedLength = 1 + RingId.ByteLength + 2 + Ed25519.PublicKeyLength;

    private const byte Version = 1;

    /// <summary>The reference as bytes for a log entry.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[EncodedLength];
        bytes[0] = Version;
        ContainerId.WriteBytes(bytes.AsSpan(1));
        bytes[1 + RingId.ByteLength] = (byte)N;
        bytes[2 + RingId.ByteLength] = (byte)M;
        WriterKey.Span.CopyTo(bytes.AsSpan(3 + RingId.ByteLength));
        return bytes;
    }

    /// <summary>Reads a reference written by <see cref="ToBytes"/>.</summary>
    /// <exception cref="FormatException">When the bytes are not a valid reference.</exception>
    public static ContainerRef FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != EncodedLength) throw new FormatException($"A container reference is {EncodedLength} bytes, not {bytes.Length}.");
        if (bytes[0] != Version) throw new FormatException($"Unknown container reference version {bytes[0]}.");
        var n = bytes[1 + RingId.ByteLength];
        var m = bytes[2 + RingId.ByteLength];
        if (m < 1 || m > n) throw new FormatException($"A container reference names an impossible code (n = {n}, m = {m}).");
        return new ContainerRef(RingId.FromBytes(bytes.Slice(1, RingId.ByteLength)), n, m, bytes[(3 + RingId.ByteLength)..].ToArray());
    }

    /// <summary>True when <paramref name="manifest"/> describes this container under this writer's key.</summary>
    public bool Describes(FragmentManifest manifest) =>
        manifest.ContainerId == ContainerId && manifest.N == N && manifest.M == M && manifest.WriterKey.Span.SequenceEqual(WriterKey.Span);

    /// <summary>Checks the fields a caller may have built by hand.</summary>
    public void Validate()
    {
        if (N is < 1 or > ErasureCodec.MaxFragments || M < 1 || M > N) throw new ArgumentException($"impossible code n = {N}, m = {M}.");
        if (WriterKey.Length != Ed25519.PublicKeyLength) throw new ArgumentException($"the writer key must be {Ed25519.PublicKeyLength} bytes.");
    }

    /// <inheritdoc />
    public bool Equals(ContainerRef? other) =>
        other is not null && ContainerId == other.ContainerId && N == other.N && M == other.M && WriterKey.Span.SequenceEqual(other.WriterKey.Span);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(ContainerId, N, M, BinaryPrimitives.ReadInt32BigEndian(WriterKey.Span));

    /// <inheritdoc />
    public override string ToString() => $"container {ContainerId.ToShortString()} ({M} of {N})";
}
