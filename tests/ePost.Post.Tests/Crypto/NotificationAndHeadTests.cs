using System.Security.Cryptography;
using ePost.Core.Crypto;
using ePost.Core.Ids;
using ePost.Overlay;
using ePost.Post.Delivery;
using ePost.Post.Identity;
using ePost.Post.Ring;
using ePost.Storage.Objects;

namespace ePost.Post.Tests.Crypto;

/// <summary>Notifications only the recipient reads and only the sender could write; log heads only the owner reads and signs.</summary>
public class NotificationAndHeadTests
{
    private static readonly RandomNumberGenerator Random = RandomNumberGenerator.Create();
    private readonly CertificateAuthority ca = CertificateAuthority.Create(Random);
    private readonly UserKeys alice;
    private readonly UserKeys bob;
    private readonly UserKeys eve;

    public NotificationAndHeadTests()
    {
        alice = ca.IssueNewUser("alice@ring.test", 1, Random);
        bob = ca.IssueNewUser("bob@ring.test", 1, Random);
        eve = ca.IssueNewUser("eve@ring.test", 1, Random);
    }

    private Notification Note(string sender = "alice@ring.test") =>
        new("d-1", sender, "bob@ring.test", RingId.ForAddress("manifest"), new byte[32], 1234);

    [Fact]
    public void The_recipient_opens_a_notification_and_verifies_its_sender()
    {
        var sealedBytes = Note().Seal(alice, bob.Certificate, Random);
        var opened = Notification.Open(sealedBytes, bob);
        Assert.Equal(Note() with { ManifestKey = opened.Notification.ManifestKey }, opened.Notification);
        Assert.True(opened.VerifySender(alice.Certificate));
        Assert.False(opened.VerifySender(eve.Certificate));
    }

    private Func<NodeCertificate, NodeCertificateVerdict> RingCheck => certificate => NodeCertificate.Verify(ca.PublicKey, certificate, 3);

    [Fact]
    public void Gateway_mail_is_signed_by_the_receiving_node_names_no_sender_and_verifies_against_the_ring_CA_only()
    {
        var node = Ed25519.Generate(Random);
        var gatewayNote = new Notification("d-gw", "", "bob@ring.test", RingId.ForAddress("manifest"), new byte[32], 99)
            { GatewayCertificate = ca.IssueNode(node.PublicKey, 5).Encode() };
        var opened = Notification.Open(gatewayNote.SealAsGateway(node, bob.Certificate, Random), bob);
        Assert.True(opened.Notification.IsGateway);
        Assert.Equal("", opened.Notification.Sender);
        Assert.True(opened.VerifyGateway(RingCheck, out var reason), reason);
        // It never passes as mail from a ring user, whoever the message's headers claim.
        Assert.False(opened.VerifySender(alice.Certificate));

        // A node certificate of another CA, or one whose key did not sign, is refused.
        var otherCa = CertificateAuthority.Create(Random);
        var foreign = gatewayNote with { GatewayCertificate = otherCa.IssueNode(node.PublicKey, 1).Encode() };
        Assert.False(Notification.Open(foreign.SealAsGateway(node, bob.Certificate, Random), bob).VerifyGateway(RingCheck, out _));
        var stranger = Ed25519.Generate(Random);
        var borrowed = gatewayNote with { };
        Assert.Throws<ArgumentException>(() => borrowed.SealAsGateway(stranger, bob.Certificate, Random));
        var signedByStranger = Notification.Open(borrowed.SealWith(stranger, bob.Certificate, Random), bob);
        Assert.False(signedByStranger.VerifyGateway(RingCheck, out var why));
        Assert.Contains("not signed", why);

        // Gateway mail cannot name a sender, and mail a user signed is not gateway mail.
        Assert.Throws<ArgumentException>(() => (gatewayNote with { Sender = "alice@ring.test" }).SealAsGateway(node, bob.Certificate, Random));
        Assert.False(Notification.Open(Note().Seal(alice, bob.Certificate, Random), bob).VerifyGateway(RingCheck, out _));
    }

    [Fact]
    public void Nobody_but_the_recipient_opens_it()
    {
        var sealedBytes = Note().Seal(alice, bob.Certificate, Random);
        Assert.ThrowsAny<CryptographicException>(() => Notification.Open(sealedBytes, eve));
        sealedBytes[^3] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => Notification.Open(sealedBytes, bob));
    }

    [Fact]
    public void A_notification_claiming_another_sender_fails_verification()
    {
        // Eve signs with her own key but writes Alice's address as the sender.
        var forged = Note("alice@ring.test");
        var fakeAlice = new UserKeys(eve.Signing, eve.Encryption, eve.Certificate);
        Assert.Throws<ArgumentException>(() => forged.Seal(fakeAlice, bob.Certificate, Random));
        var sealedByEve = Note("eve@ring.test").Seal(eve, bob.Certificate, Random);
        var opened = Notification.Open(sealedByEve, bob);
        Assert.False(opened.VerifySender(alice.Certificate));
        Assert.True(opened.VerifySender(eve.Certificate));
    }

    [Fact]
    public void A_log_head_opens_only_for_its_owner_and_binds_its_sequence_number()
    {
        var key = LogHead.NewLogKey();
        var head = new LogHead(LogHead.FolderLabel(7), 5, RingId.ForAddress("entry"), 42, 9);
        var signed = head.Seal(bob, key, Random);
        Assert.Equal(5UL, signed.Version);
        Assert.Equal(head, LogHead.Open(signed, bob, out var opened));
        Assert.Equal(key, opened);
        Assert.ThrowsAny<CryptographicException>(() => LogHead.Open(signed, eve, out _));
    }

    [Fact]
    public void A_head_written_by_someone_else_under_the_owners_label_is_refused()
    {
        // Eve's head has Eve's key, so it is not at Bob's id and Bob's node refuses it.
        var forged = new LogHead(LogHead.RootLabel, 9, null, 0, 0).Seal(eve, LogHead.NewLogKey(), Random);
        Assert.NotEqual(LogHead.IdOf(bob, LogHead.RootLabel), forged.Id);
        Assert.ThrowsAny<CryptographicException>(() => LogHead.Open(forged, bob, out _));
        // Re-signing Bob's payload under a higher version without his key breaks the signature.
        var genuine = new LogHead(LogHead.RootLabel, 3, null, 0, 0).Seal(bob, LogHead.NewLogKey(), Random);
        var replayedHigher = new SignedObject(genuine.Id, genuine.OwnerKey, genuine.Label, 4, genuine.Payload, genuine.Signature);
        Assert.ThrowsAny<CryptographicException>(() => LogHead.Open(replayedHigher, bob, out _));
    }

    [Fact]
    public void Entry_blocks_open_only_under_their_log()
    {
        var key = LogHead.NewLogKey();
        var block = EntryBlock.Seal(key, "folder/1", "entry"u8, Random);
        Assert.Equal("entry"u8.ToArray(), EntryBlock.Open(key, "folder/1", block));
        Assert.ThrowsAny<CryptographicException>(() => EntryBlock.Open(key, "folder/2", block));
    }

    [Fact]
    public void Presence_names_the_node_and_only_the_users_signature_counts()
    {
        var node = new NodeHandle(RingId.ForAddress("node"), "akka.tcp://epost@127.0.0.1:4000", 3);
        var presence = Presence.Create(bob, node, 1);
        Assert.Equal([node], Presence.Read(presence, bob.Signing.PublicKey));
        Assert.Empty(Presence.Read(Presence.Create(eve, node, 1), bob.Signing.PublicKey));
    }

    [Fact]
    public void A_device_joins_the_presence_list_first_without_dropping_the_other_devices()
    {
        var desktop = new NodeHandle(RingId.ForAddress("desktop"), "akka.tcp://epost@127.0.0.1:4000", 1);
        var laptop = new NodeHandle(RingId.ForAddress("laptop"), "akka.tcp://epost@127.0.0.1:4001", 1);
        var listed = Presence.Joined([desktop], laptop)!;
        Assert.Equal([laptop, desktop], Presence.Read(Presence.Create(bob, listed, 2), bob.Signing.PublicKey));
        // Listed as it is: nothing to write, so two devices never take turns rewriting the list.
        Assert.Null(Presence.Joined(listed, desktop));
        // The desktop restarted at another port: its old entry goes, the laptop's stays.
        var restarted = desktop with { Address = "akka.tcp://epost@127.0.0.1:4002", Epoch = 2 };
        Assert.Equal([restarted, laptop], Presence.Joined(listed, restarted));
    }

    [Fact]
    public void A_presence_list_keeps_the_newest_devices_up_to_its_bound()
    {
        IReadOnlyList<NodeHandle> listed = [];
        for (var i = 0; i < Presence.MaxDevices + 3; i++)
            listed = Presence.Joined(listed, new NodeHandle(RingId.ForAddress($"n{i}"), $"akka.tcp://epost@127.0.0.1:{4000 + i}", 1))!;
        Assert.Equal(Presence.MaxDevices, listed.Count);
        Assert.Equal(RingId.ForAddress($"n{Presence.MaxDevices + 2}"), listed[0].Id);
        Assert.Throws<ArgumentException>(() => Presence.Create(bob, [.. listed, listed[0] with { Id = RingId.ForAddress("one too many") }], 1));
    }
}
