using ePost.Core.Crypto;
using ePost.Core.Ids;

namespace ePost.Storage.Replication;

/// <summary>
/// Which node keys belong to certified ring members: what storage asks before it counts a <see cref="StorageReceipt"/>.
/// A receipt's key fixes the holder's node id (its SHA-256), but anyone can mint a key whose id lands next to an
/// object; only a key the ring CA (or a CA-certified user, for a device) certified speaks for a member.
/// </summary>
public interface IMemberCertification
{
    /// <summary>True when <paramref name="nodeKey"/> is a certified member's, proven by <paramref name="certificate"/> (an encoded node certificate) or already known.</summary>
    bool IsCertified(ReadOnlySpan<byte> nodeKey, byte[]? certificate, out string reason);
}

/// <summary>
/// Members as the ring CA certifies them: a receipt must carry the holder's node certificate, which must verify
/// (the node's own check, with its revocation list) and name the receipt's key. Verified keys are remembered (a
/// bounded cache), so a holder's certificate costs one CA signature check per node, not per receipt.
/// </summary>
/// <param name="check">The node's certificate check: <c>RingTrust.Check</c> (CA, device limit, current revocations).</param>
/// <param name="cacheSize">How many verified node keys are remembered.</param>
public sealed class CertifiedMembers(Func<NodeCertificate, NodeCertificateVerdict> check, int cacheSize = 4096) : IMemberCertification
{
    private readonly Dictionary<RingId, byte[]> _verified = new();
    private readonly Queue<RingId> _order = new();

    /// <summary>Members of the ring whose CA key is <paramref name="caPublicKey"/> (no revocation list: tests and tools).</summary>
    public static CertifiedMembers OfAuthority(byte[] caPublicKey, int maxDevicesPerUser = 3) =>
        new(certificate => NodeCertificate.Verify(caPublicKey, certificate, maxDevicesPerUser));

    /// <inheritdoc />
    public bool IsCertified(ReadOnlySpan<byte> nodeKey, byte[]? certificate, out string reason)
    {
        if (nodeKey.Length != Ed25519.PublicKeyLength)
        {
            reason = "not an Ed25519 key";
            return false;
        }
        var id = RingId.FromSha256(nodeKey);
        lock (_verified)
        {
            if (_verified.TryGetValue(id, out var known) && known.AsSpan().SequenceEqual(nodeKey))
            {
                reason = "";
                return true;
            }
        }
        if (certificate is null)
        {
            reason = $"node {id.ToShortString()} sent no node certificate and is not known here";
            return false;
        }
        if (!NodeCertificate.TryDecode(certificate, out var decoded, out var problem))
        {
            reason = problem;
            return false;
        }
        if (!decoded.NodePublicKey.AsSpan().SequenceEqual(nodeKey))
        {
            reason = $"the certificate is for node {decoded.NodeId.ToShortString()}, not for the key that signed";
            return false;
        }
        var verdict = check(decoded);
        if (!verdict.IsValid)
        {
            reason = verdict.Reason;
            return false;
        }
        lock (_verified)
        {
            if (_verified.TryAdd(id, nodeKey.ToArray()))
            {
                _order.Enqueue(id);
                while (_order.Count > cacheSize) _verified.Remove(_order.Dequeue());
            }
        }
        reason = "";
        return true;
    }

    /// <summary>Forgets every verified key (after a new revocation list, the next receipt of each node is checked again).</summary>
    public void Forget()
    {
        lock (_verified)
        {
            _verified.Clear();
            _order.Clear();
        }
    }
}

/// <summary>Any key is a member: a ring without node certificates (TLS off); a receipt then only proves the holder's key fixes its id.</summary>
public sealed class UncertifiedMembers : IMemberCertification
{
    /// <summary>The one instance.</summary>
    public static readonly UncertifiedMembers Instance = new();

    /// <inheritdoc />
    public bool IsCertified(ReadOnlySpan<byte> nodeKey, byte[]? certificate, out string reason)
    {
        reason = "";
        return nodeKey.Length == Ed25519.PublicKeyLength;
    }
}
