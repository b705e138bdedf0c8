using ePost.Core.Crypto;
using ePost.Core.Ids;

namespace ePost.Node.Identity;

/// <summary>What a node proves itself with: its Ed25519 node key and the ring's certificate for that key.</summary>
public sealed class NodeCredential
{
    /// <summary>A credential from a key pair and its certificate.</summary>
    /// <exception cref="ArgumentException">When the certificate is for another key.</exception>
    public NodeCredential(Ed25519KeyPair nodeKey, NodeCertificate certificate)
    {
        ArgumentNullException.ThrowIfNull(nodeKey);
        ArgumentNullException.ThrowIfNull(certificate);
        if (!certificate.NodePublicKey.AsSpan().SequenceEqual(nodeKey.PublicKey))
            throw new ArgumentException($"The node certificate is for node {certificate.NodeId.ToShortString()}, not for this node key.", nameof(certificate));
        NodeKey = nodeKey;
        Certificate = certificate;
    }

    /// <summary>The node key.</summary>
    public Ed25519KeyPair NodeKey { get; }

    /// <summary>The certificate for <see cref="NodeKey"/>.</summary>
    public NodeCertificate Certificate { get; }

    /// <summary>The certified node id.</summary>
    public RingId NodeId => Certificate.NodeId;

    /// <summary>
    /// Loads the certificate at <paramref name="certificatePath"/> for <paramref name="identity"/> and checks it
    /// against <paramref name="trust"/>: what <c>epost run</c> does before it opens the ring port.
    /// </summary>
    /// <exception cref="NodeCredentialException">With one line for the operator, when the file is missing or the certificate is not valid for this node and ring.</exception>
    public static NodeCredential Load(NodeIdentity identity, string certificatePath, RingTrust trust)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(trust);
        var command = $"epost ca issue-node {Convert.ToHexStringLower(identity.PublicKey)} --out {certificatePath}";
        if (!File.Exists(certificatePath))
            throw new NodeCredentialException($"no node certificate at {certificatePath}; the ring CA operator must run: {command}");
        var bytes = File.ReadAllBytes(certificatePath);
        var verdict = NodeCertificate.Verify(trust.CaPublicKey, bytes, trust.MaxDevicesPerUser, trust.Revocations);
        if (!verdict.IsValid)
            throw new NodeCredentialException($"the node certificate {certificatePath} is not valid for this ring: {verdict.Reason}");
        if (verdict.Certificate!.NodeId != identity.Id)
            throw new NodeCredentialException($"the node certificate {certificatePath} is for node {verdict.Certificate.NodeId}, not for this node {identity.Id}; the ring CA operator must run: {command}");
        return new NodeCredential(identity.SigningKey, verdict.Certificate);
    }
}
