using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ePost.Core.Crypto;
using ePost.Core.Ids;

namespace ePost.Node.Identity;

/// <summary>The outcome of checking a peer's TLS certificate: accepted as a certified node, or the reason not.</summary>
/// <param name="Accepted">True when the peer proved a certified, unrevoked node id.</param>
/// <param name="Reason">A sentence for logs.</param>
/// <param name="Node">The proven node id when accepted.</param>
public sealed record TlsPeerVerdict(bool Accepted, string Reason, RingId? Node);

/// <summary>
/// Binds a node's TLS certificate to its certified Ed25519 node key, the way libp2p does: the TLS key is a fresh
/// ECDSA P-256 key (TLS cannot carry Ed25519 keys in .NET), and a non-critical extension carries the node certificate
/// and the node key's signature over the TLS certificate's SubjectPublicKeyInfo.
/// </summary>
/// <remarks>
/// <para>Extension <see cref="ExtensionOid"/>, value DER: <c>SEQUENCE { nodeCertificate OCTET STRING, signature OCTET STRING }</c>,
/// signature = Ed25519(node key, "ePost TLS key binding v1" ‖ SubjectPublicKeyInfo DER).</para>
/// <para>A peer is accepted only when the extension parses, the node certificate verifies against the ring CA and
/// is not revoked, and the signature verifies. The TLS handshake itself proves possession of the TLS private key,
/// so the peer holds both keys. Validity dates, names and X.509 chains are ignored: nodes' clocks need not agree
/// and nothing but the ring CA is trusted.</para>
/// </remarks>
public static class TlsBinding
{
    /// <summary>The extension's OID (a UUID-based OID under 2.25, allocated for ePost).</summary>
    public const string ExtensionOid = "2.25.191089809559556411455174137550098676775";

    private static readonly byte[] Domain = Encoding.ASCII.GetBytes("ePost TLS key binding v1");

    /// <summary>A fresh self-signed TLS certificate (with its private key) bound to <paramref name="credential"/>.</summary>
    public static X509Certificate2 CreateCertificate(NodeCredential credential) =>
        CreateCertificate(credential, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(100));

    /// <summary>Like <see cref="CreateCertificate(NodeCredential)"/> with the given (ignored by peers) validity dates.</summary>
    public static X509Certificate2 CreateCertificate(NodeCredential credential, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        ArgumentNullException.ThrowIfNull(credential);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=epost-node-{credential.NodeId}", key, HashAlgorithmName.SHA256);
        var signature = credential.NodeKey.Sign([.. Domain, .. key.ExportSubjectPublicKeyInfo()]);
        request.CertificateExtensions.Add(new X509Extension(ExtensionOid, EncodeExtension(credential.Certificate.Encode(), signature), critical: false));
        using var certificate = request.CreateSelfSigned(notBefore, notAfter);
        // Through PKCS#12 so the private key is a persisted one that SslStream can use on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>The extension value for a node certificate and a binding signature.</summary>
    public static byte[] EncodeExtension(byte[] nodeCertificate, byte[] signature)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteOctetString(nodeCertificate);
            writer.WriteOctetString(signature);
        }
        return writer.Encode();
    }

    /// <summary>Checks a peer's TLS certificate against the ring's trust; never throws on anything the peer sent.</summary>
    public static TlsPeerVerdict Validate(X509Certificate2? certificate, RingTrust trust)
    {
        ArgumentNullException.ThrowIfNull(trust);
        if (certificate is null) return new(false, "The peer presented no TLS certificate.", null);
        var extension = certificate.Extensions.FirstOrDefault(e => e.Oid?.Value == ExtensionOid);
        if (extension is null) return new(false, "The peer's TLS certificate carries no node certificate.", null);
        byte[] nodeCertificate, signature;
        try
        {
            var reader = new AsnReader(extension.RawData, AsnEncodingRules.DER);
            var sequence = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            nodeCertificate = sequence.ReadOctetString();
            signature = sequence.ReadOctetString();
            sequence.ThrowIfNotEmpty();
        }
        catch (AsnContentException)
        {
            return new(false, "The peer's node certificate extension is not DER SEQUENCE { OCTET STRING, OCTET STRING }.", null);
        }
        if (nodeCertificate.Length > NodeCertificate.MaxEncodedLength || signature.Length != Ed25519.SignatureLength)
            return new(false, "The peer's node certificate extension has fields of the wrong size.", null);
        if (!NodeCertificate.TryDecode(nodeCertificate, out var decoded, out var reason))
            return new(false, reason, null);
        var verdict = trust.Check(decoded);
        if (!verdict.IsValid) return new(false, verdict.Reason, null);
        byte[] tlsKey;
        try
        {
            tlsKey = certificate.PublicKey.ExportSubjectPublicKeyInfo();
        }
        catch (CryptographicException)
        {
            return new(false, "The peer's TLS public key cannot be read.", null);
        }
        if (!Ed25519.Verify(decoded.NodePublicKey, [.. Domain, .. tlsKey], signature))
            return new(false, $"The TLS key of node {decoded.NodeId.ToShortString()} is not signed by its node key.", null);
        return new(true, $"Certified node {decoded.NodeId.ToShortString()}.", decoded.NodeId);
    }
}
