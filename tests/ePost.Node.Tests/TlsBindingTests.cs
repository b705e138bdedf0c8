using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ePost.Core.Crypto;
using ePost.Node.Identity;

namespace ePost.Node.Tests;

/// <summary>The check each side's TLS handshake applies to the other's certificate, without sockets.</summary>
public sealed class TlsBindingTests
{
    private static readonly RingTrust Trust = TestRingCa.Member().Trust;

    [Fact]
    public void A_certificate_bound_to_a_certified_node_key_is_accepted_as_that_node()
    {
        var (credential, _) = TestRingCa.Member();
        var verdict = TlsBinding.Validate(TlsBinding.CreateCertificate(credential), Trust);
        Assert.True(verdict.Accepted, verdict.Reason);
        Assert.Equal(credential.NodeId, verdict.Node);
    }

    [Fact]
    public void Validity_dates_do_not_matter_expired_in_2020_or_not_yet_valid_until_2030()
    {
        var (credential, _) = TestRingCa.Member();
        var expired = TlsBinding.CreateCertificate(credential, new DateTimeOffset(2019, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var future = TlsBinding.CreateCertificate(credential, new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.True(expired.NotAfter.Year == 2020 && future.NotBefore.Year == 2030);
        Assert.True(TlsBinding.Validate(expired, Trust).Accepted);
        Assert.True(TlsBinding.Validate(future, Trust).Accepted);
    }

    [Fact]
    public void A_node_certificate_copied_onto_another_tls_key_is_refused()
    {
        var (credential, _) = TestRingCa.Member();
        var genuine = TlsBinding.CreateCertificate(credential);
        using var thief = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=thief", thief, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(genuine.Extensions.First(e => e.Oid?.Value == TlsBinding.ExtensionOid));
        var verdict = TlsBinding.Validate(request.CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1)), Trust);
        Assert.False(verdict.Accepted);
        Assert.Contains("not signed by its node key", verdict.Reason);
    }

    [Fact]
    public void No_certificate_no_extension_a_malformed_extension_another_ca_and_revoked_are_refused()
    {
        Assert.False(TlsBinding.Validate(null, Trust).Accepted);

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var bare = new CertificateRequest("CN=bare", key, HashAlgorithmName.SHA256);
        Assert.False(TlsBinding.Validate(bare.CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1)), Trust).Accepted);

        var junk = new CertificateRequest("CN=junk", key, HashAlgorithmName.SHA256);
        junk.CertificateExtensions.Add(new X509Extension(TlsBinding.ExtensionOid, [0x30, 0x03, 0x04, 0x01], false));
        Assert.False(TlsBinding.Validate(junk.CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1)), Trust).Accepted);

        var (foreign, _) = TestRingCa.Member(CertificateAuthority.Create(RandomNumberGenerator.Create()));
        Assert.Contains("another CA", TlsBinding.Validate(TlsBinding.CreateCertificate(foreign), Trust).Reason);

        var (member, _) = TestRingCa.Member();
        var revoking = new RingTrust(TestRingCa.Shared.PublicKey, 3, TestRingCa.Shared.RevokeNodes(1, [member.NodeId]));
        Assert.Contains("revoked", TlsBinding.Validate(TlsBinding.CreateCertificate(member), revoking).Reason);
    }
}
