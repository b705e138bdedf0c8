namespace ePost.Core.Crypto;

/// <summary>Why a certificate was refused.</summary>
public enum CertificateRejection
{
    /// <summary>Not refused: the certificate is valid.</summary>
    None,

    /// <summary>The bytes are not a canonical certificate.</summary>
    Malformed,

    /// <summary>The certificate names another CA as its issuer.</summary>
    OtherAuthority,

    /// <summary>The CA's signature does not verify: the certificate was forged or altered.</summary>
    BadSignature,
}

/// <summary>The outcome of checking a certificate against the ring's CA key: valid, or the reason it is not.</summary>
/// <param name="Rejection">Why it was refused, or <see cref="CertificateRejection.None"/>.</param>
/// <param name="Reason">A sentence for logs and error replies.</param>
/// <param name="Certificate">The decoded certificate when it could be decoded (even if refused), else null.</param>
public sealed record CertificateVerdict(CertificateRejection Rejection, string Reason, UserCertificate? Certificate)
{
    /// <summary>True when the certificate may be trusted.</summary>
    public bool IsValid => Rejection == CertificateRejection.None;
}
