using System.Text;
using Akka.Actor;
using ePost.Overlay.Routing;
using ePost.Post.Mailbox;
using ePost.Storage.Objects;
using Xunit.Abstractions;

namespace ePost.Node.Tests;

/// <summary>
/// A node that comes back collects the mail that waited for it when its overlay is ready, not on the collect timer:
/// 6 real nodes over Akka.Remote, with the timer set to an hour so that only the ready event can bring the mail in.
/// </summary>
[Collection(HeavyTests.Name)]
public sealed class PostCollectOnReadyTests(ITestOutputHelper output)
{
    private static byte[] Message(int i) => Encoding.ASCII.GetBytes(
        $"From: Alice <alice@ring.test>\r\nTo: Bob <bob@ring.test>\r\nSubject: Waiting {i}\r\nMessage-ID: <waiting-{i}@ring.test>\r\n\r\nSent while Bob's node was down.\r\n");

    [Fact]
    public async Task Mail_sent_while_bobs_node_was_down_is_filed_once_his_node_is_ready_again_without_the_collect_timer()
    {
        // The collect timer fires once when a mailbox loads and then hourly: a node that collected only on the timer
        // would file nothing in this test, since its one early round runs before the node has rejoined the ring.
        await using var mail = new MailRing { Extra = "epost.post.collect-interval = 1h" };
        var alice = mail.Issue("alice@ring.test");
        var bob = mail.Issue("bob@ring.test");
        var aliceNode = await mail.AddAsync(alice);
        var bobDir = mail.Ring.NewDataDir("bob");
        var bobNode = await mail.AddAsync(bobDir, bob);
        for (var i = 0; i < 4; i++) await mail.AddAsync();
        await MailRing.ReadyAgentAsync(aliceNode, "alice@ring.test");
        await MailRing.SyncedAsync(await MailRing.ReadyAgentAsync(bobNode, "bob@ring.test"), "bob's new mailbox never reached the ring");
        await Eventually.True(async () => await MailRing.KnowsCertificateAsync(aliceNode, "bob@ring.test"),
            TimeSpan.FromSeconds(30), "bob's certificate was never published");

        await mail.Ring.ShutdownAsync(bobNode);
        for (var i = 0; i < 5; i++)
            await aliceNode.Mail!.Delivery.DeliverAsync($"waiting-{i}", "alice@ring.test", "bob@ring.test", Message(i), CancellationToken.None);

        bobNode = await mail.AddAsync(bobDir, bob);
        // AddAsync returns once the overlay reports the node ready: the event the collect must follow.
        var agent = await MailRing.ReadyAgentAsync(bobNode, "bob@ring.test");
        var sinceReady = System.Diagnostics.Stopwatch.StartNew();
        await Eventually.True(async () => (await MailRing.InboxAsync(bobNode, "bob@ring.test")).Messages.Count >= 5,
            TimeSpan.FromSeconds(60), "bob's node did not collect the waiting mail when it was ready again");

        output.WriteLine($"filed {sinceReady.Elapsed.TotalSeconds:F1} s after the node and the mailbox were ready");
        var inbox = await MailRing.InboxAsync(bobNode, "bob@ring.test");
        Assert.Equal(5, inbox.Messages.Count);
        var status = await agent.Ask<AgentStatus>(GetAgentStatus.Instance, TimeSpan.FromSeconds(10));
        Assert.Equal(5, status.Filed);
    }

    [Fact]
    public async Task Bobs_node_that_is_the_root_of_his_notification_arc_finds_the_mail_its_peers_kept_while_it_was_down()
    {
        // The worst case for a node coming back: it is the root of its own user's notification arc, so the ring asks it
        // first, and its store is exactly the one that missed every notification sent meanwhile.
        await using var mail = new MailRing { Extra = "epost.post.collect-interval = 1h" };
        var alice = mail.Issue("alice@ring.test");
        var aliceNode = await mail.AddAsync(alice);
        for (var i = 0; i < 4; i++) await mail.AddAsync();
        var bobDir = mail.Ring.NewDataDir("bob");
        var bobId = TestRingCa.Certify(bobDir, mail.Ca).Id;
        var ids = mail.Ring.Nodes.Select(n => n.Identity.Id).Append(bobId).ToList();
        // A user's ring id follows from the address: pick the address whose arc bob's node is the root of.
        var bob = Enumerable.Range(0, 1000).Select(k => mail.Issue($"bob{k}@ring.test"))
            .First(keys => RingTruth.Root(ids, NotificationObject.ArcOf(keys.Certificate.UserId).First) == bobId);
        var address = bob.Certificate.Address;
        var bobNode = await mail.AddAsync(bobDir, bob);
        await MailRing.ReadyAgentAsync(aliceNode, "alice@ring.test");
        await MailRing.SyncedAsync(await MailRing.ReadyAgentAsync(bobNode, address), "bob's new mailbox never reached the ring");
        await Eventually.True(async () => await MailRing.KnowsCertificateAsync(aliceNode, address),
            TimeSpan.FromSeconds(30), "bob's certificate was never published");

        await mail.Ring.ShutdownAsync(bobNode);
        for (var i = 0; i < 5; i++)
            await aliceNode.Mail!.Delivery.DeliverAsync($"waiting-{i}", "alice@ring.test", address, Message(i), CancellationToken.None);

        bobNode = await mail.AddAsync(bobDir, bob);
        Assert.Equal(bobId, bobNode.Identity.Id);
        await MailRing.ReadyAgentAsync(bobNode, address);
        var sinceReady = System.Diagnostics.Stopwatch.StartNew();
        await Eventually.True(async () => (await MailRing.InboxAsync(bobNode, address)).Messages.Count >= 5,
            TimeSpan.FromSeconds(60), "bob's node did not find the mail its peers kept while it was down");
        output.WriteLine($"filed {sinceReady.Elapsed.TotalSeconds:F1} s after the node and the mailbox were ready");
        Assert.Equal(5, (await MailRing.InboxAsync(bobNode, address)).Messages.Count);
    }
}
