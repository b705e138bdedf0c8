using System.Text;
using ePost.Mail.Backend;
using ePost.Post.Mailbox;

namespace ePost.Node.Tests;

/// <summary>POST end to end on real nodes: users, encrypted mail, folders.</summary>
[Collection(HeavyTests.Name)]
public sealed class PostDeliveryTests
{
    private static byte[] Message(int i) => Encoding.ASCII.GetBytes(
        $"From: alice@ring.test\r\nTo: bob@ring.test\r\nSubject: Note {i}\r\nMessage-ID: <{i}@ring.test>\r\n\r\nBody of note {i}.\r\n");

    [Fact]
    public async Task Mail_from_alice_is_filed_in_bobs_inbox_byte_identical()
    {
        await using var mail = new MailRing();
        var alice = mail.Issue("alice@ring.test");
        var bob = mail.Issue("bob@ring.test");
        var aliceNode = await mail.AddAsync(alice);
        var bobNode = await mail.AddAsync(bob);
        await mail.AddAsync();
        await mail.AddAsync();
        await MailRing.ReadyAgentAsync(aliceNode, alice.Certificate.Address);
        await MailRing.ReadyAgentAsync(bobNode, bob.Certificate.Address);

        await Eventually.True(async () => await MailRing.KnowsCertificateAsync(aliceNode, "bob@ring.test"),
            TimeSpan.FromSeconds(30), "bob's certificate was never published");
        await aliceNode.Mail!.Delivery.DeliverAsync("d-1", "alice@ring.test", "bob@ring.test", Message(1), CancellationToken.None);

        await Eventually.True(async () => (await MailRing.InboxAsync(bobNode, "bob@ring.test")).Messages.Count == 1,
            TimeSpan.FromSeconds(30), "the message never reached bob's INBOX");
        var inbox = await MailRing.InboxAsync(bobNode, "bob@ring.test");
        var bytes = await bobNode.Mail!.Store.ReadMessageAsync(new MailUser("bob", "bob@ring.test"), "INBOX", inbox.Messages[0].Uid, CancellationToken.None);
        Assert.Equal(Message(1), bytes);
    }
}
