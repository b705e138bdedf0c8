using ePost.Core.Crypto;

namespace ePost.Node.Identity;

/// <summary>
/// Admits a node whose data dir is at hand, in one step: what <c>epost init</c> followed by <c>epost ca issue-node</c>
/// does, for rings whose operator holds the CA key in-process (the devnet, the bench, test rings).
/// </summary>
public static class NodeAdmission
{
    /// <summary>
    /// Creates the node key in <paramref name="dataDir"/> if there is none and writes <c>node.cert</c> signed by
    /// <paramref name="ca"/>, unless a certificate of that CA for that key is already there (a ring certificate, or a
    /// device certificate a user of that CA signed when the node was paired).
    /// </summary>
    /// <returns>The node's identity.</returns>
    public static NodeIdentity Certify(CertificateAuthority ca, string dataDir, ulong serial)
    {
        ArgumentNullException.ThrowIfNull(ca);
        var identity = NodeIdentity.LoadOrCreate(dataDir);
        var path = Path.Combine(dataDir, Hosting.TransportSettings.NodeCertificateFile);
        if (File.Exists(path) && NodeCertificate.Verify(ca.PublicKey, File.ReadAllBytes(path), int.MaxValue) is { IsValid: true } verdict && verdict.Certificate!.NodeId == identity.Id)
            return identity;
        DurableFile.WriteAtomically(path, ca.IssueNode(identity.PublicKey, serial).Encode(), ownerOnly: false);
        return identity;
    }
}
