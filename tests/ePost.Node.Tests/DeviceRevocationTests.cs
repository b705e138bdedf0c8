using System.Security.Cryptography;
using System.Text;
using ePost.Core.Crypto;
using ePost.Core.Devices;
using ePost.Core.Time;
using ePost.Node.Hosting;
using ePost.Post.Delivery;
using ePost.Post.Ring;
using ePost.Storage.Leases;
using ePost.Storage.Objects;
using MailKit.Net.Imap;
using MailKit.Security;

namespace ePost.Node.Tests;

/// <summary>Bob pairs a second device, which is a ring node of its own; revoking it shuts it out of his objects, his logins and his new mail.</summary>
[Collection(HeavyTests.Name)]
public sealed class DeviceRevocationTests
{
    private static readonly LeaseDuration Lease = LeaseDuration.FromDays(1);

    [Fact]
    public async Task A_revoked_device_is_refused_by_storage_nodes_cannot_log_in_on_bobs_other_node_and_cannot_open_mail_sent_afterwards()
    {
        await using var mail = new MailRing();
        var alice = mail.Issue("alice@ring.test");
        var bob = mail.Issue("bob@ring.test");
        var aliceNode = await mail.AddAsync(alice);
        var bobNode = await mail.AddAsync(bob);
        await mail.AddAsync();
        await MailRing.ReadyAgentAsync(bobNode, "bob@ring.test");

        // Pairing, as epost device add (bob's node, holding his key) and epost device join (the laptop) run it.
        var laptopDir = mail.Ring.NewDataDir("laptop");
        var laptopIdentity = Identity.NodeIdentity.LoadOrCreate(laptopDir);
        var laptopKey = X25519.Generate(RandomNumberGenerator.Create());
        const string laptopPassword = "laptop-device-password";
        var desk = new PairingDesk(new StopwatchMonotonicClock(), TimeSpan.FromMinutes(10), RandomNumberGenerator.Create());
        var code = desk.Open();
        var joiner = new PairingJoiner(code, new PairingRequest("laptop", laptopIdentity.PublicKey, laptopKey.PublicKey, DeviceEntry.VerifierOf(laptopPassword), false), RandomNumberGenerator.Create());
        var list = DeviceList.Empty(bob);
        var outcome = desk.Answer(joiner.Hello, request =>
        {
            var (grant, next) = DeviceEnrollment.Admit(bob, list, request, 3);
            list = next;
            return grant;
        });
        var paired = joiner.Finish(outcome.Answer, mail.Ca.PublicKey, 3);
        Assert.Null(paired.Grant.UserKeyFile);
        Identity.DurableFile.WriteAtomically(Path.Combine(laptopDir, TransportSettings.NodeCertificateFile), paired.Certificate.Encode(), ownerOnly: false);
        var laptopNode = await mail.AddAsync(laptopDir);
        Assert.Equal(NodeCertificateKind.Device, Assert.IsType<NodeCertificate>(NodeCertificate.Decode(File.ReadAllBytes(Path.Combine(laptopDir, TransportSettings.NodeCertificateFile)))).Kind);
        var devices = bobNode.Mail!.Services.Devices!;
        await devices.PublishAsync(bob, list, Lease);

        // Before revocation: the laptop writes bob's objects, logs in on bob's node, and opens new mail with its own key.
        var laptopRing = new RingClient(laptopNode.Storage, TimeSpan.FromSeconds(10));
        var laptopSigner = laptopIdentity.SigningKey;
        await laptopRing.InsertAsync(SignedObject.CreateByDevice(laptopSigner, bob.Signing.PublicKey, "notes", 1, "from the laptop"u8, list), Lease);
        Assert.True(await ImapLoginAsync(bobNode, laptopPassword));
        Assert.True(await ImapLoginAsync(bobNode, "secret"));
        var before = await SealedAsWouldBeSentAsync(aliceNode, alice, bob.Certificate, "before");
        Assert.Equal("before", Notification.Open(before, bob.Certificate.Address, laptopKey).Notification.DeliveryId);
        await SendAsync(aliceNode, alice, "before");
        await Eventually.True(async () => (await MailRing.InboxAsync(bobNode, "bob@ring.test")).Messages.Count >= 1, TimeSpan.FromSeconds(30), "bob never got the first message");

        // Bob revokes the laptop; his node re-signs his object with the new list attached, as it does for every object it writes.
        var revoked = list.WithRevoked(bob, "laptop");
        await devices.PublishAsync(bob, revoked, Lease);
        await bobNode.Mail.Services.Ring.InsertAsync(SignedObject.CreateByDevice(bob.Signing, bob.Signing.PublicKey, "notes", 2, "from bob"u8, revoked), Lease);

        var stale = await Assert.ThrowsAsync<RingException>(() => laptopRing.InsertAsync(SignedObject.CreateByDevice(laptopSigner, bob.Signing.PublicKey, "notes", 3, "still me"u8, list), Lease));
        Assert.Equal(RefusalReason.DeviceNotAuthorized, stale.Refusal);
        var honest = await Assert.ThrowsAsync<RingException>(() => laptopRing.InsertAsync(SignedObject.CreateByDevice(laptopSigner, bob.Signing.PublicKey, "notes", 3, "still me"u8, revoked), Lease));
        Assert.Equal(RefusalReason.DeviceNotAuthorized, honest.Refusal);
        Assert.False(await ImapLoginAsync(bobNode, laptopPassword));
        Assert.True(await ImapLoginAsync(bobNode, "secret"));
        var after = await SealedAsWouldBeSentAsync(aliceNode, alice, bob.Certificate, "after");
        Assert.Throws<CryptographicException>(() => Notification.Open(after, bob.Certificate.Address, laptopKey));
        Assert.Equal("after", Notification.Open(after, bob).Notification.DeliveryId);
        await SendAsync(aliceNode, alice, "after");
        await Eventually.True(async () => (await MailRing.InboxAsync(bobNode, "bob@ring.test")).Messages.Count >= 2, TimeSpan.FromSeconds(30), "bob never got the second message");
    }

    /// <summary>A notification sealed for the keys alice's node would seal it for now (its sender asks the ring for bob's newest device list).</summary>
    private static async Task<byte[]> SealedAsWouldBeSentAsync(NodeHost node, UserKeys sender, UserCertificate recipient, string deliveryId)
    {
        var keys = await node.Mail!.Services.Sender.DeviceKeysAsync(recipient);
        return new Notification(deliveryId, sender.Certificate.Address, recipient.Address, Core.Ids.RingId.ForAddress(deliveryId), new byte[32], 1)
            .Seal(sender, recipient, RandomNumberGenerator.Create(), keys);
    }

    private static async Task SendAsync(NodeHost node, UserKeys sender, string deliveryId)
    {
        var message = Encoding.ASCII.GetBytes($"From: {sender.Certificate.Address}\r\nTo: bob@ring.test\r\nSubject: {deliveryId}\r\n\r\nHello.\r\n");
        await node.Mail!.Services.Sender.SendAsync(sender, "bob@ring.test", deliveryId, message);
    }

    private static Task<bool> ImapLoginAsync(NodeHost node, string password) =>
        ImapLoginAsync(node.MailEndpoints!.Host, node.MailEndpoints.Imap, "bob@ring.test", password);

    /// <summary>True when an IMAP login (STARTTLS) with these credentials succeeds, false when the server refuses it.</summary>
    internal static async Task<bool> ImapLoginAsync(string host, int port, string user, string password)
    {
        using var imap = new ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await imap.ConnectAsync(host, port, SecureSocketOptions.StartTls);
        try
        {
            await imap.AuthenticateAsync(user, password);
            return true;
        }
        catch (AuthenticationException)
        {
            return false;
        }
        finally
        {
            await imap.DisconnectAsync(true);
        }
    }
}
