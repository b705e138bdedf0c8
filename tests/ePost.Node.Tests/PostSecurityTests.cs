using System.Security.Cryptography;
using System.Text;
using Akka.Actor;
using ePost.Core.Crypto;
using ePost.Mail.Backend;
using ePost.Post.Delivery;
using ePost.Post.Mailbox;
using ePost.Post.Ring;
using ePost.Storage.Leases;
using ePost.Storage.Objects;
using ePost.Storage.Replication;

namespace ePost.Node.Tests;

/// <summary>What the ring's other nodes can see and forge: nothing readable, nothing accepted.</summary>
[Collection(HeavyTests.Name)]
public sealed class PostSecurityTests
{
    private static readonly MailUser Bob = new("bob", "bob@ring.test");

    [Fact]
    public async Task No_other_nodes_files_contain_any_plaintext_of_a_message_its_subject_or_the_addresses()
    {
        await using var mail = new MailRing();
        var alice = mail.Issue("alice@ring.test");
        var bob = mail.Issue("bob@ring.test");
        var aliceNode = await mail.AddAsync(alice);
        var bobNode = await mail.AddAsync(bob);
        for (var i = 0; i < 4; i++) await mail.AddAsync();
        await MailRing.ReadyAgentAsync(aliceNode, "alice@ring.test");
        var bobAgent = await MailRing.ReadyAgentAsync(bobNode, "bob@ring.test");
        await Eventually.True(async () => await MailRing.KnowsCertificateAsync(aliceNode, "bob@ring.test"),
            TimeSpan.FromSeconds(30), "bob's certificate was never published");

        const string subject = "Zebra-Quokka-7731 quarterly figures";
        const string body = "The pelican-9931 contract is signed; keep this between us.";
        var attachment = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("confidential-ledger-line-4412 ", 400)));
        var message = Encoding.ASCII.GetBytes(
            $"From: Alice <alice@ring.test>\r\nTo: Bob <bob@ring.test>\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\n" +
            "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n" + body + "\r\n" +
            "--b\r\nContent-Type: text/plain; name=ledger.txt\r\n\r\n" + Encoding.ASCII.GetString(attachment) + "\r\n--b--\r\n");
        await aliceNode.Mail!.Delivery.DeliverAsync("secret-1", "alice@ring.test", "bob@ring.test", message, CancellationToken.None);
        await Eventually.True(async () => (await MailRing.InboxAsync(bobNode, "bob@ring.test")).Messages.Count == 1,
            TimeSpan.FromSeconds(30), "the message never reached bob");
        await bobNode.Mail!.Store.CreateFolderAsync(Bob, "Zebra-Quokka-7731 archive", CancellationToken.None);
        await bobNode.Mail.Store.CopyAsync(Bob, "INBOX", [1], "Zebra-Quokka-7731 archive", CancellationToken.None);
        await MailRing.SyncedAsync(bobAgent, "bob's logs never reached the ring");

        var others = mail.Ring.Nodes.Where(n => n != aliceNode && n != bobNode).ToList();
        var held = 0;
        foreach (var node in others) held += (await node.HeldAsync()).Count;
        Assert.True(held > 10, $"the other nodes hold only {held} objects: the scan would prove nothing");
        var directories = others.Select(n => n.Settings.DataDir).ToList();
        foreach (var node in others) await mail.Ring.ShutdownAsync(node);

        string[] secrets = [subject, "Zebra-Quokka-7731", body, "pelican-9931", "confidential-ledger-line-4412", "alice@ring.test", "bob@ring.test", "ring.test"];
        var scanned = 0L;
        foreach (var file in directories.SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories)))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            scanned += bytes.Length;
            foreach (var secret in secrets)
            {
                Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, $"{file} contains \"{secret}\"");
                Assert.True(bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(secret)) < 0, $"{file} contains \"{secret}\" in UTF-16");
            }
        }
        Assert.True(scanned > 100_000, $"only {scanned} bytes were scanned");
    }

    [Fact]
    public async Task Forged_certificates_replayed_heads_writes_by_others_and_forged_notifications_are_refused()
    {
        await using var mail = new MailRing();
        var alice = mail.Issue("alice@ring.test");
        var bob = mail.Issue("bob@ring.test");
        var aliceNode = await mail.AddAsync(alice);
        var bobNode = await mail.AddAsync(bob);
        for (var i = 0; i < 3; i++) await mail.AddAsync();
        await MailRing.ReadyAgentAsync(aliceNode, "alice@ring.test");
        var bobAgent = await MailRing.ReadyAgentAsync(bobNode, "bob@ring.test");
        var ring = new RingClient(aliceNode.Storage, TimeSpan.FromSeconds(10));
        var random = RandomNumberGenerator.Create();

        // A certificate from another CA, and one altered after issue, are not stored by any node.
        var rogue = CertificateAuthority.Create(random);
        var rogueBob = rogue.IssueNewUser("bob@ring.test", 99, random);
        var refused = await Assert.ThrowsAsync<RingException>(() => ring.InsertAsync(CertificateObject.Publish(rogueBob.Certificate), LeaseDuration.FromDays(1)));
        Assert.Equal(RefusalReason.BadCertificate, refused.Refusal);
        var altered = bob.Certificate.PublishedForm();
        altered[100] ^= 1;
        refused = await Assert.ThrowsAsync<RingException>(() => ring.InsertAsync(new CertificateObject(bob.Certificate.UserId, altered), LeaseDuration.FromDays(1)));
        Assert.Equal(RefusalReason.BadCertificate, refused.Refusal);
        Assert.Equal(bob.Signing.PublicKey, (await aliceNode.Mail!.Services.Certificates.FindAsync("bob@ring.test", refresh: true))!.SigningPublicKey);

        // An older head of bob's, replayed, is refused, and readers still get the newest.
        await MailRing.SyncedAsync(bobAgent, "bob's new mailbox never reached the ring");
        var headId = LogHead.IdOf(bob, LogHead.RootLabel);
        var old = (SignedObject)(await ring.LookupAsync(headId, newest: true))!;
        await bobNode.Mail!.Store.CreateFolderAsync(Bob, "Later", CancellationToken.None);
        await MailRing.SyncedAsync(bobAgent, "bob's new folder never reached the ring");
        refused = await Assert.ThrowsAsync<RingException>(() => ring.InsertAsync(old, LeaseDuration.FromDays(1)));
        Assert.Equal(RefusalReason.StaleVersion, refused.Refusal);
        Assert.True(((SignedObject)(await ring.LookupAsync(headId, newest: true))!).Version > old.Version);

        // Alice cannot write bob's head: with her key the object is not at bob's id, with bob's key it does not verify.
        var bobsFuture = new LogHead(LogHead.RootLabel, 1000, null, 0, 0).Seal(bob, LogHead.NewLogKey(), random);
        var byAlice = SignedObject.Create(alice.Signing, LogHead.RootLabel, 1000, bobsFuture.Payload.Span);
        refused = await Assert.ThrowsAsync<RingException>(() => ring.InsertAsync(
            new SignedObject(headId, byAlice.OwnerKey, byAlice.Label, byAlice.Version, byAlice.Payload, byAlice.Signature), LeaseDuration.FromDays(1)));
        Assert.Equal(RefusalReason.IdNotDerivedFromOwner, refused.Refusal);
        refused = await Assert.ThrowsAsync<RingException>(() => ring.InsertAsync(
            new SignedObject(headId, bob.Signing.PublicKey, byAlice.Label, byAlice.Version, byAlice.Payload, byAlice.Signature), LeaseDuration.FromDays(1)));
        Assert.Equal(RefusalReason.BadSignature, refused.Refusal);

        // Eve (certified, but not alice) claims to be alice: bob's node refuses the notification and files nothing.
        var eve = mail.Issue("eve@ring.test");
        var eveNode = await mail.AddAsync(eve);
        await MailRing.ReadyAgentAsync(eveNode, "eve@ring.test");
        var encoded = Post.Messages.MessageCodec.Encode(Encoding.ASCII.GetBytes("From: alice@ring.test\r\nSubject: wire the money\r\n\r\nnow\r\n"));
        await eveNode.Mail!.Services.Sender.StoreAsync(encoded);
        var forged = new Notification("forged-1", "eve@ring.test", "bob@ring.test", encoded.Manifest.Id, encoded.Manifest.Key, encoded.Size);
        var sealedBytes = forged.Seal(eve, bob.Certificate, random);
        // Re-label the sender inside as alice by sealing alice's name with eve's key: Seal refuses that outright.
        Assert.Throws<ArgumentException>(() => (forged with { Sender = "alice@ring.test" }).Seal(eve, bob.Certificate, random));
        // So eve builds the notification by hand: alice's name, eve's signature. And one she tampered with after sealing.
        var claimsAlice = (forged with { Sender = "alice@ring.test", DeliveryId = "forged-2" }).SealWith(eve.Signing, bob.Certificate, random);
        sealedBytes[^10] ^= 1;
        foreach (var bytes in new[] { claimsAlice, sealedBytes })
            await ring.InsertAsync(NotificationObject.Deposit(bob.Certificate.UserId, bob.Signing.PublicKey, bytes), LeaseDuration.FromDays(1));
        bobAgent.Tell(new CollectNotifications(null));
        await Eventually.True(async () => (await bobAgent.Ask<AgentStatus>(GetAgentStatus.Instance, TimeSpan.FromSeconds(10))).Rejected >= 2,
            TimeSpan.FromSeconds(30), "bob's node never looked at the forged notifications");
        Assert.Empty((await MailRing.InboxAsync(bobNode, "bob@ring.test")).Messages);
    }
}
