using System.Collections.Concurrent;
using ePost.Core.Crypto;
using ePost.Core.Ids;
using ePost.Post.Ring;
using ePost.Storage.Leases;
using ePost.Storage.Objects;

namespace ePost.Post.Identity;

/// <summary>
/// Users' certificates as the ring publishes them under each user's id: publishing one's own, and finding others',
/// always checked against the ring CA's key (the replicas check too, but a reader trusts only its own check).
/// </summary>
public sealed class CertificateDirectory(RingClient ring, byte[] caPublicKey)
{
    private readonly ConcurrentDictionary<string, UserCertificate> _cache = new(StringComparer.Ordinal);

    /// <summary>The ring CA's public key.</summary>
    public byte[] CaPublicKey { get; } = caPublicKey;

    /// <summary>Publishes a certificate (for <paramref name="lease"/>; publish again to renew).</summary>
    /// <exception cref="ArgumentException">When the certificate is not this ring CA's.</exception>
    /// <exception cref="RingException">When the ring refused it or did not answer.</exception>
    public async Task PublishAsync(UserCertificate certificate, LeaseDuration lease, CancellationToken cancellation = default)
    {
        var verdict = CertificateAuthority.Verify(CaPublicKey, certificate);
        if (!verdict.IsValid) throw new ArgumentException(verdict.Reason, nameof(certificate));
        await ring.InsertAsync(CertificateObject.Publish(certificate), lease, cancellation).ConfigureAwait(false);
        _cache[certificate.Address] = certificate;
    }

    /// <summary>The valid certificate of <paramref name="address"/> with the highest serial, or null when the ring definitively has none.</summary>
    /// <exception cref="RingException">When the ring could not answer (timeout, node not joined yet): try again later.</exception>
    /// <param name="address">Any spelling; it is normalized.</param>
    /// <param name="refresh">True to ask the ring even when a certificate is cached (after a signature did not verify).</param>
    public async Task<UserCertificate?> FindAsync(string address, bool refresh = false, CancellationToken cancellation = default)
    {
        var normal = UserCertificate.NormalizeAddress(address);
        if (!refresh && _cache.TryGetValue(normal, out var cached)) return cached;
        if (await ring.LookupDefinitiveAsync(RingId.ForAddress(normal), newest: true, cancellation).ConfigureAwait(false) is not CertificateObject published)
            return null;
        UserCertificate certificate;
        try
        {
            certificate = UserCertificate.FromPublished(published.EncodedCertificate.Span, normal);
        }
        catch (FormatException)
        {
            return null;
        }
        if (!CertificateAuthority.Verify(CaPublicKey, certificate).IsValid) return null;
        _cache[normal] = certificate;
        return certificate;
    }
}
