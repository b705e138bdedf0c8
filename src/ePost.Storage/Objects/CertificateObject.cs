using ePost.Core.Crypto;
using ePost.Core.Ids;

namespace ePost.Storage.Objects;

/// <summary>A user's CA-signed certificate as the ring stores it: under the user's id, so anyone can find a user's keys by address.</summary>
/// <remarks>
/// Intrinsic checks (any node): the bytes decode as a certificate, the CA signature verifies under the issuer key
/// the certificate names, and the id is <see cref="RingId.ForAddress"/> of its address. Policy (the storing node):
/// the issuer is the ring's configured CA (<see cref="Local.ObjectStoreSettings.TrustedIssuer"/>), so a node never
/// keeps a certificate of a foreign CA. A higher serial replaces a lower one (key rotation); readers take the highest.
/// </remarks>
public sealed class CertificateObject : StoredObject
{
    /// <summary>An object as received: a claimed id and the certificate's encoding (checked by <see cref="ObjectValidator"/>).</summary>
    public CertificateObject(RingId id, ReadOnlyMemory<byte> encodedCertificate) : base(id) => EncodedCertificate = encodedCertificate;

    /// <summary>The certificate's canonical encoding.</summary>
    public ReadOnlyMemory<byte> EncodedCertificate { get; }

    /// <inheritdoc />
    public override ObjectKind Kind => ObjectKind.Certificate;

    /// <inheritdoc />
    public override int EncodedLength => ObjectCodec.CertificateOverhead + EncodedCertificate.Length;

    /// <summary>The object that publishes <paramref name="certificate"/>.</summary>
    public static CertificateObject Publish(UserCertificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return new CertificateObject(certificate.UserId, certificate.Encode());
    }

    /// <summary>The decoded certificate, or null with the reason when the bytes are not one.</summary>
    public UserCertificate? TryDecode(out string reason) =>
        UserCertificate.TryDecode(EncodedCertificate.Span, out var certificate, out reason) ? certificate : null;
}
