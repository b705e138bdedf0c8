using ePost.Core.Crypto;
using ePost.Core.Ids;

namespace ePost.Storage.Objects;

/// <summary>A user's CA-signed certificate as the ring stores it: its published form, under the user's id, so anyone who knows an address finds the user's keys.</summary>
/// <remarks>
/// The published form names the user by id only (<see cref="UserCertificate.PublishedForm"/>), so storing nodes learn
/// no addresses. Intrinsic checks (any node): the bytes are a published certificate, the CA signature verifies under
/// the issuer key the certificate names, and the object's id is the certificate's user id. Policy (the storing node):
/// the issuer is the ring's configured CA (<see cref="Local.ObjectStoreSettings.TrustedIssuer"/>), so a node never
/// keeps a certificate of a foreign CA. A higher serial replaces a lower one (key rotation); readers take the highest.
/// </remarks>
public sealed class CertificateObject : StoredObject
{
    /// <summary>An object as received: a claimed id and the certificate's published form (checked by <see cref="ObjectValidator"/>).</summary>
    public CertificateObject(RingId id, ReadOnlyMemory<byte> encodedCertificate) : base(id) => EncodedCertificate = encodedCertificate;

    /// <summary>The certificate's published form.</summary>
    public ReadOnlyMemory<byte> EncodedCertificate { get; }

    /// <inheritdoc />
    public override ObjectKind Kind => ObjectKind.Certificate;

    /// <inheritdoc />
    public override int EncodedLength => ObjectCodec.CertificateOverhead + EncodedCertificate.Length;

    /// <summary>The object that publishes <paramref name="certificate"/>.</summary>
    public static CertificateObject Publish(UserCertificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return new CertificateObject(certificate.UserId, certificate.PublishedForm());
    }

    /// <summary>The serial, or null when the bytes are not a published certificate.</summary>
    public ulong? Serial => TryRead(out _)?.Serial;

    /// <summary>The published fields, or null with the reason when the bytes are not a published certificate.</summary>
    public (byte[] Issuer, ulong Serial, RingId UserId)? TryRead(out string reason)
    {
        try
        {
            var fields = UserCertificate.ReadPublished(EncodedCertificate.Span);
            reason = "";
            return (fields.Issuer, fields.Serial, fields.UserId);
        }
        catch (FormatException e)
        {
            reason = e.Message;
            return null;
        }
    }
}
