using ePost.Core.Crypto;
using ePost.Core.Ids;

namespace ePost.Node.Identity;

/// <summary>
/// What a node trusts about other nodes: certificates chaining to the ring CA, devices below the per-user limit, and
/// nothing on the newest revocation list it has seen. Shared by the TLS handshake of every connection.
/// </summary>
public sealed class RingTrust
{
    private NodeRevocationList? _revocations;
    private long _refused;

    /// <summary>Trust in the CA whose public key is <paramref name="caPublicKey"/>.</summary>
    /// <exception cref="ArgumentException">When the key is not 32 bytes.</exception>
    public RingTrust(byte[] caPublicKey, int maxDevicesPerUser, NodeRevocationList? revocations = null)
    {
        if (caPublicKey.Length != Ed25519.PublicKeyLength) throw new ArgumentException("A CA public key is 32 bytes.", nameof(caPublicKey));
        CaPublicKey = (byte[])caPublicKey.Clone();
        MaxDevicesPerUser = maxDevicesPerUser;
        if (revocations is not null && !TryAdopt(revocations, out var reason)) throw new ArgumentException(reason, nameof(revocations));
    }

    /// <summary>The ring CA's public key.</summary>
    public byte[] CaPublicKey { get; }

    /// <summary>How many devices a user may admit.</summary>
    public int MaxDevicesPerUser { get; }

    /// <summary>The newest revocation list adopted, or null.</summary>
    public NodeRevocationList? Revocations => Volatile.Read(ref _revocations);

    /// <summary>How many peers the TLS handshake refused so far.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Checks a peer's node certificate against the CA, the device limit and the revocation list.</summary>
    public NodeCertificateVerdict Check(NodeCertificate certificate) =>
        NodeCertificate.Verify(CaPublicKey, certificate, MaxDevicesPerUser, Revocations);

    /// <summary>Adopts <paramref name="list"/> when it is signed by the ring CA and newer than the current one.</summary>
    /// <returns>False with the reason when it is not valid or not newer.</returns>
    public bool TryAdopt(NodeRevocationList list, out string reason)
    {
        ArgumentNullException.ThrowIfNull(list);
        if (list.Verify(CaPublicKey) is { } problem)
        {
            reason = problem;
            return false;
        }
        while (true)
        {
            var current = Volatile.Read(ref _revocations);
            if (!list.Supersedes(current))
            {
                reason = $"Revocation list {list.Number} is not newer than list {current!.Number}.";
                return false;
            }
            if (Interlocked.CompareExchange(ref _revocations, list, current) == current)
            {
                reason = "";
                return true;
            }
        }
    }

    /// <summary>True when <paramref name="node"/> is on the current revocation list.</summary>
    public bool IsRevoked(RingId node) => Revocations?.IsRevoked(node) == true;

    internal void CountRefusal() => Interlocked.Increment(ref _refused);
}
