using System.Security.Cryptography;
using ePost.Core.Crypto;
using ePost.Core.Ids;

namespace ePost.Core.Tests.Crypto;

public class CertificateAuthorityTests
{
    private static readonly RandomNumberGenerator Random = RandomNumberGenerator.Create();
    private static readonly CertificateAuthority Ca = CertificateAuthority.Create(Random);

    [Fact]
    public void Issued_certificate_verifies_and_names_the_normalized_address_and_both_keys()
    {
        var bob = Ca.IssueNewUser("  Bob@Example.ORG ", 7, Random);
        var certificate = bob.Certificate;
        Assert.Equal("bob@example.org", certificate.Address);
        Assert.Equal(RingId.ForAddress("bob@example.org"), certificate.UserId);
        Assert.Equal(7UL, certificate.Serial);
        Assert.Equal(bob.Signing.PublicKey, certificate.SigningPublicKey);
        Assert.Equal(bob.Encryption.PublicKey, certificate.EncryptionPublicKey);
        Assert.Equal(Ca.PublicKey, certificate.IssuerPublicKey);
        var verdict = CertificateAuthority.Verify(Ca.PublicKey, certificate);
        Assert.True(verdict.IsValid, verdict.Reason);
    }

    [Fact]
    public void Encoding_round_trips_byte_for_byte_and_still_verifies()
    {
        var certificate = Ca.IssueNewUser("alice@example.org", 1, Random).Certificate;
        var encoded = certificate.Encode();
        var decoded = UserCertificate.Decode(encoded);
        Assert.Equal(encoded, decoded.Encode());
        Assert.Equal(certificate.Address, decoded.Address);
        Assert.True(CertificateAuthority.Verify(Ca.PublicKey, encoded).IsValid);
    }

    [Fact]
    public void Encoding_has_the_documented_layout()
    {
        var keys = Ca.IssueNewUser("a@b", 0x0102030405060708, Random);
        var encoded = keys.Certificate.Encode();
        Assert.Equal("EPCERT"u8.ToArray(), encoded[..6]);
        Assert.Equal(2, encoded[6]);
        Assert.Equal(Ca.PublicKey, encoded[7..39]);
        Assert.Equal(Convert.FromHexString("0102030405060708"), encoded[39..47]);
        Assert.Equal(RingId.ForAddress("a@b").ToBytes(), encoded[47..67]);
        Assert.Equal(keys.Signing.PublicKey, encoded[67..99]);
        Assert.Equal(keys.Encryption.PublicKey, encoded[99..131]);
        Assert.True(Ed25519.Verify(Ca.PublicKey, encoded[..131], encoded[131..195]));
        Assert.Equal(new byte[] { 0, 3 }, encoded[195..197]);
        Assert.Equal("a@b"u8.ToArray(), encoded[197..200]);
        Assert.Equal(200, encoded.Length);
        // The published form is the signed part alone: it names the user by id, never by address.
        Assert.Equal(encoded[..195], keys.Certificate.PublishedForm());
    }

    [Fact]
    public void Every_modified_byte_of_a_certificate_is_refused()
    {
        var encoded = Ca.IssueNewUser("bob@example.org", 3, Random).Certificate.Encode();
        for (var i = 0; i < encoded.Length; i++)
        {
            var tampered = (byte[])encoded.Clone();
            tampered[i] ^= 0x20;
            var verdict = CertificateAuthority.Verify(Ca.PublicKey, tampered);
            Assert.False(verdict.IsValid, $"byte {i} changed yet accepted");
            Assert.NotEqual(CertificateRejection.None, verdict.Rejection);
            Assert.NotEmpty(verdict.Reason);
        }
    }

    [Fact]
    public void Certificate_of_another_CA_is_refused_as_such()
    {
        var otherCa = CertificateAuthority.Create(Random);
        var certificate = otherCa.IssueNewUser("bob@example.org", 1, Random).Certificate;
        var verdict = CertificateAuthority.Verify(Ca.PublicKey, certificate);
        Assert.Equal(CertificateRejection.OtherAuthority, verdict.Rejection);
        Assert.Contains("another CA", verdict.Reason);
    }

    [Fact]
    public void Forged_certificate_that_names_our_CA_but_is_signed_by_another_key_is_refused()
    {
        // Mallory signs her own certificate for bob's address and writes our CA's key in as the issuer.
        var mallory = CertificateAuthority.Create(Random);
        var forged = mallory.IssueNewUser("bob@example.org", 99, Random).Certificate.Encode();
        Ca.PublicKey.CopyTo(forged, 7);
        var body = forged[..131];
        Ed25519.Sign(mallory.PrivateKey, body).CopyTo(forged, body.Length);
        var verdict = CertificateAuthority.Verify(Ca.PublicKey, forged);
        Assert.Equal(CertificateRejection.BadSignature, verdict.Rejection);
        Assert.Contains("forged or altered", verdict.Reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(199)]
    [InlineData(201)]
    [InlineData(2000)]
    public void Truncated_padded_or_random_bytes_are_refused_as_malformed(int length)
    {
        var bytes = length <= 200 ? Ca.IssueNewUser("a@b", 1, Random).Certificate.Encode()[..Math.Min(length, 200)] : new byte[length];
        if (length == 201) bytes = [.. Ca.IssueNewUser("a@b", 1, Random).Certificate.Encode(), 0];
        var verdict = CertificateAuthority.Verify(Ca.PublicKey, bytes);
        Assert.Equal(CertificateRejection.Malformed, verdict.Rejection);
        Assert.Null(verdict.Certificate);
    }

    [Fact]
    public void Certificate_whose_address_is_not_in_normal_form_is_refused_as_malformed()
    {
        var encoded = Ca.IssueNewUser("bob@example.org", 1, Random).Certificate.Encode();
        encoded[197] = (byte)'B';
        var e = Assert.Throws<FormatException>(() => UserCertificate.Decode(encoded));
        Assert.Contains("normal form", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("no-at-sign")]
    [InlineData("@example.org")]
    [InlineData("bob@")]
    [InlineData("bob smith@example.org")]
    [InlineData("bob\u0000@example.org")]
    public void Unusable_addresses_are_refused_at_issue(string address)
    {
        var e = Assert.Throws<ArgumentException>(() => Ca.IssueNewUser(address, 1, Random));
        Assert.Contains("not a usable address", e.Message);
    }

    [Fact]
    public void Address_longer_than_254_bytes_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Ca.IssueNewUser(new string('a', 250) + "@b.org", 1, Random));
    }

    [Fact]
    public void Low_order_encryption_key_and_wrong_key_lengths_are_not_certified()
    {
        var signing = Ed25519.Generate(Random).PublicKey;
        Assert.Contains("low-order", Assert.Throws<ArgumentException>(() => Ca.Issue("bob@example.org", signing, new byte[32], 1)).Message);
        Assert.Throws<ArgumentException>(() => Ca.Issue("bob@example.org", signing[..31], X25519.Generate(Random).PublicKey, 1));
        Assert.Throws<ArgumentException>(() => Ca.Issue("bob@example.org", signing, new byte[33], 1));
    }

    [Fact]
    public void User_keys_refuse_a_certificate_for_other_keys()
    {
        var bob = Ca.IssueNewUser("bob@example.org", 1, Random);
        var alice = Ca.IssueNewUser("alice@example.org", 2, Random);
        Assert.Throws<ArgumentException>(() => new UserKeys(alice.Signing, bob.Encryption, bob.Certificate));
        Assert.Throws<ArgumentException>(() => new UserKeys(bob.Signing, alice.Encryption, bob.Certificate));
    }

    [Fact]
    public void CA_restored_from_its_private_key_issues_certificates_that_verify_under_the_same_public_key()
    {
        var restored = CertificateAuthority.FromPrivateKey(Ca.PrivateKey);
        Assert.Equal(Ca.PublicKey, restored.PublicKey);
        Assert.True(CertificateAuthority.Verify(Ca.PublicKey, restored.IssueNewUser("c@d", 5, Random).Certificate).IsValid);
    }

    [Fact]
    public void A_published_certificate_binds_only_to_the_address_whose_id_it_names()
    {
        var certificate = Ca.IssueNewUser("bob@example.org", 1, Random).Certificate;
        var published = certificate.PublishedForm();
        Assert.Equal("bob@example.org", UserCertificate.FromPublished(published, "Bob@Example.org").Address);
        var e = Assert.Throws<FormatException>(() => UserCertificate.FromPublished(published, "eve@example.org"));
        Assert.Contains("another address", e.Message);
        Assert.Null(CertificateAuthority.VerifyPublished(Ca.PublicKey, published));
        published[100] ^= 1;
        Assert.Contains("forged or altered", CertificateAuthority.VerifyPublished(Ca.PublicKey, published));
    }
}
