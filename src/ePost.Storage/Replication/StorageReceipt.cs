using System.Buffers.Binary;
using System.Text;
using ePost.Core.Crypto;
using ePost.Core.Hashing;
using ePost.Core.Ids;
using ePost.Storage.Wire;

namespace ePost.Storage.Replication;

/// <summary>
/// A holder's signed statement "I hold object <paramref name="Object"/> with these bytes under a lease of
/// <paramref name="LeaseMs"/> from when I stored it, for request <paramref name="Request"/>", made with the node key
/// whose SHA-256 is the holder's node id. Anyone can check it without asking the holder, so a writer (and later the
/// POST spool, before it deletes a message) counts an insert as done only on receipts, not on a root's say-so.
/// </summary>
/// <param name="Request">The writer's request id: a receipt answers one insert and cannot be replayed for another.</param>
/// <param name="Object">The object's id.</param>
/// <param name="ContentDigest">SHA-256 of the object's encoding: the receipt is for these bytes (this version).</param>
/// <param name="HolderKey">The holder's Ed25519 public key; <see cref="Holder"/> is the node id it fixes.</param>
/// <param name="LeaseMs">The lease granted, as a duration on the holder's clock (never an instant: clocks need not agree).</param>
/// <param name="Signature">Ed25519 over <see cref="SignedDigest"/>.</param>
/// <param name="HolderCertificate">
/// The holder's node certificate (<see cref="NodeCertificate"/> encoding), so a writer that never met the holder can
/// check that the key is a certified member's (<see cref="IMemberCertification"/>); not covered by the signature,
/// since it is itself signed by the ring CA and must name <paramref name="HolderKey"/>.
/// </param>
public sealed record StorageReceipt(RequestId Request, RingId Object, byte[] ContentDigest, byte[] HolderKey, long LeaseMs, byte[] Signature,
    byte[]? HolderCertificate = null)
{
    private static readonly byte[] Domain = Encoding.ASCII.GetBytes("epost-storage-receipt-v1");

    /// <summary>The holder's node id: the first 160 bits of SHA-256 of its key, as for every node id.</summary>
    public RingId Holder => RingId.FromSha256(HolderKey);

    /// <summary>Signs a receipt with the holder's node key, attaching <paramref name="certificate"/> (the holder's encoded node certificate) when given.</summary>
    public static StorageReceipt Sign(Ed25519KeyPair holder, RequestId request, RingId objectId, byte[] contentDigest, long leaseMs, byte[]? certificate = null)
    {
        var key = holder.PublicKey;
        return new StorageReceipt(request, objectId, contentDigest, key, leaseMs, holder.Sign(Digest(request, objectId, contentDigest, key, leaseMs)), certificate);
    }

    /// <summary>What the signature covers: every field, framed, under a domain tag no other signature in the project uses.</summary>
    public byte[] SignedDigest() => Digest(Request, Object, ContentDigest, HolderKey, LeaseMs);

    /// <summary>True when the receipt is well formed and its signature verifies under its holder key.</summary>
    public bool IsValid() =>
        HolderCertificate is not { Length: > NodeCertificate.MaxEncodedLength } && ContentDigest is { Length: 32 } && HolderKey is { Length: Ed25519.PublicKeyLength } && Signature is { Length: Ed25519.SignatureLength } && LeaseMs > 0
        && Ed25519.Verify(HolderKey, SignedDigest(), Signature);

    /// <summary>True when the receipt is valid and is for <paramref name="request"/>, <paramref name="objectId"/> and the bytes digested in <paramref name="contentDigest"/>.</summary>
    public bool Proves(RequestId request, RingId objectId, ReadOnlySpan<byte> contentDigest) =>
        Request == request && Object == objectId && ContentDigest is not null && ContentDigest.AsSpan().SequenceEqual(contentDigest) && IsValid();

    private static byte[] Digest(RequestId request, RingId objectId, byte[] contentDigest, byte[] holderKey, long leaseMs)
    {
        var requestBytes = new byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(requestBytes, request.High);
        BinaryPrimitives.WriteUInt64BigEndian(requestBytes.AsSpan(8), request.Low);
        var lease = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(lease, leaseMs);
        return Sha256.HashFramed(Domain, requestBytes, objectId.ToBytes(), contentDigest, holderKey, lease);
    }
}
