namespace ePost.Core.Crypto;

/// <summary>Why a node certificate was refused.</summary>
public enum NodeCertificateRejection
{
    /// <summary>Not refused: the certificate is valid.</summary>
    None,

    /// <summary>The bytes are not a canonical node certificate (including an id that is not the hash of the key).</summary>
    Malformed,

    /// <summary>The certificate chains to another CA.</summary>
    OtherAuthority,

    /// <summary>The signature does not verify: forged or altered.</summary>
    BadSignature,

    /// <summary>A device certificate whose user certificate is not valid for the ring CA.</summary>
    BadUserCertificate,

    /// <summary>A device certificate whose device index is not below the ring's per-user limit.</summary>
    TooManyDevices,

    /// <summary>The node id is on the ring's revocation list.</summary>
    Revoked,
}

/// <summary>The outcome of checking a node certificate: valid, or the reason it is not.</summary>
/// <param name="Rejection">Why it was refused, or <see cref="NodeCertificateRejection.None"/>.</param>
/// <param name="Reason">A sentence for logs and error messages.</param>
/// <param name="Certificate">The decoded certificate when it could be decoded (even if refused), else null.</param>
public sealed record NodeCertificateVerdict(NodeCertificateRejection Rejection, string Reason, NodeCertificate? Certificate)
{
    /// <summary>True when the node may be admitted.</summary>
    public bool IsValid => Rejection == NodeCertificateRejection.None;
}
