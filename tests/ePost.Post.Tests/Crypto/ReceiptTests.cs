using System.Security.Cryptography;
using ePost.Core.Crypto;
using ePost.Core.Ids;
using ePost.Post.Delivery;

namespace ePost.Post.Tests.Crypto;

/// <summary>Receipts only the sender reads and only the recipient could sign.</summary>
public sealed class ReceiptTests
{
    private static readonly RandomNumberGenerator Random = RandomNumberGenerator.Create();
    private readonly CertificateAuthority ca = CertificateAuthority.Create(Random);
    private readonly UserKeys alice;
    private readonly UserKeys bob;
    private readonly UserKeys eve;

    public ReceiptTests()
    {
        alice = ca.IssueNewUser("alice@ring.test", 1, Random);
        bob = ca.IssueNewUser("bob@ring.test", 1, Random);
        eve = ca.IssueNewUser("eve@ring.test", 1, Random);
    }

    private static readonly Receipt FromBob = new("d-1", "alice@ring.test", "bob@ring.test", RingId.ForAddress("note"), DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123));

    [Fact]
    public void The_sender_opens_a_receipt_and_verifies_the_recipient_signed_it()
    {
        var opened = Receipt.Open(FromBob.Seal(bob, alice.Certificate, Random), alice);
        Assert.Equal(FromBob, opened.Receipt);
        Assert.True(opened.VerifyRecipient(bob.Certificate));
        Assert.False(opened.VerifyRecipient(eve.Certificate));
    }

    [Fact]
    public void A_receipt_naming_bob_but_signed_by_anyone_else_does_not_verify()
    {
        var forged = Receipt.Open(FromBob.SealWith(eve.Signing, alice.Certificate, Random), alice);
        Assert.False(forged.VerifyRecipient(bob.Certificate));
        // Seal itself refuses to sign in another user's name.
        Assert.Throws<ArgumentException>(() => FromBob.Seal(eve, alice.Certificate, Random));
    }

    [Fact]
    public void Only_its_addressee_opens_a_receipt_and_a_notification_does_not_pass_for_one()
    {
        var sealedBytes = FromBob.Seal(bob, alice.Certificate, Random);
        Assert.ThrowsAny<CryptographicException>(() => Receipt.Open(sealedBytes, eve));
        var tampered = sealedBytes.ToArray();
        tampered[^5] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => Receipt.Open(tampered, alice));
        var note = new Notification("d-1", "bob@ring.test", "alice@ring.test", RingId.ForAddress("m"), new byte[32], 1).Seal(bob, alice.Certificate, Random);
        Assert.ThrowsAny<CryptographicException>(() => Receipt.Open(note, alice));
        Assert.ThrowsAny<CryptographicException>(() => Notification.Open(sealedBytes, alice));
    }
}
