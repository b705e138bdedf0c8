using System.Text;
using Akka.Actor;
using Akka.Remote.Transport;
using ePost.Mail.Backend;
using ePost.Post.Mailbox;

namespace ePost.Node.Tests;

/// <summary>
/// A mailbox written on both sides of a network partition (Bob's desktop node on one side, his laptop node on the
/// other) is merged when the network heals: every message inserted on either side is kept.
/// </summary>
[Collection(HeavyTests.Name)]
public sealed class PostForkMergeTests
{
    private const string Throttled = "akka.remote.dot-netty.tcp.applied-adapters = [trttl]";
    private static readonly MailUser Bob = new("bob", "bob@ring.test");

    private static byte[] Message(string name) => Encoding.ASCII.GetBytes(
        $"From: bob@ring.test\r\nTo: bob@ring.test\r\nSubject: {name}\r\nMessage-ID: <{name}@ring.test>\r\n\r\n{name}\r\n");

    [Fact]
    public async Task Both_sides_of_a_partition_change_bobs_folders_and_after_healing_no_message_is_lost()
    {
        await using var mail = new MailRing();
        var bob = mail.Issue("bob@ring.test");
        var desktop = await mail.Ring.AddAsync(mail.Config + "\n" + Throttled, [new Post.Access.LocalUser(bob, "secret")]);
        for (var i = 0; i < 5; i++) await mail.Ring.AddAsync(mail.Config + "\n" + Throttled);
        var desktopAgent = await MailRing.ReadyAgentAsync(desktop, "bob@ring.test");
        var store = desktop.Mail!.Store;
        foreach (var name in new[] { "m0", "m1", "m2" }) await store.AppendAsync(Bob, "INBOX", Message(name), [], null, CancellationToken.None);
        await store.CreateFolderAsync(Bob, "Work", CancellationToken.None);
        await store.AppendAsync(Bob, "Work", Message("w0"), [], null, CancellationToken.None);
        await MailRing.SyncedAsync(desktopAgent, "the desktop's logs never reached the ring");

        // The laptop joins after the mailbox exists, so it takes the mailbox over from the ring.
        var laptop = await mail.Ring.AddAsync(mail.Config + "\n" + Throttled, [new Post.Access.LocalUser(bob, "secret")]);
        await mail.Ring.AddAsync(mail.Config + "\n" + Throttled);
        var laptopAgent = await MailRing.ReadyAgentAsync(laptop, "bob@ring.test");
        await Eventually.True(async () => await Names(laptop, "INBOX") == "m0 m1 m2", TimeSpan.FromSeconds(30), "the laptop never saw bob's mail");
        await Eventually.True(async () => await mail.Ring.WrongLeafSetsAsync() == 0, TimeSpan.FromSeconds(60), "ring did not converge");

        var inboxValidity = (await store.ReadFolderAsync(Bob, "INBOX", CancellationToken.None)).UidValidity;
        var workValidity = (await store.ReadFolderAsync(Bob, "Work", CancellationToken.None)).UidValidity;

        // Errors of either node's actors go into the failure message, should the nodes never agree.
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        foreach (var node in new[] { desktop, laptop })
        {
            var listener = node.System.ActorOf(Props.Create(() => new ErrorCollector(errors)));
            node.System.EventStream.Subscribe(listener, typeof(Akka.Event.Error));
        }
        var sideA = mail.Ring.Nodes.Take(5).ToList();
        var sideB = mail.Ring.Nodes.Skip(5).ToList();
        Assert.Contains(desktop, sideA);
        Assert.Contains(laptop, sideB);
        await PartitionHealingTests.SetLinks(sideA, sideB, Blackhole.Instance);
        await Eventually.True(async () => await PartitionHealingTests.EachSideIsItsOwnRing(mail.Ring, sideA, sideB), TimeSpan.FromSeconds(60),
            "the two sides did not each form a ring of their own");

        // Side A (desktop): a new message, a deletion, a flag, and new mail in Work.
        await store.AppendAsync(Bob, "INBOX", Message("a1"), [], null, CancellationToken.None);
        await store.AppendAsync(Bob, "Work", Message("w1"), [], null, CancellationToken.None);
        await store.ExpungeAsync(Bob, "INBOX", [1], CancellationToken.None);
        await store.StoreFlagsAsync(Bob, "INBOX", [2], FlagChange.Add, ["\\Flagged"], CancellationToken.None);
        // Side B (laptop): a new message, another deletion, a flag, and the Work folder deleted.
        var laptopStore = laptop.Mail!.Store;
        await laptopStore.AppendAsync(Bob, "INBOX", Message("b1"), [], null, CancellationToken.None);
        await laptopStore.ExpungeAsync(Bob, "INBOX", [3], CancellationToken.None);
        await laptopStore.StoreFlagsAsync(Bob, "INBOX", [2], FlagChange.Add, ["\\Seen"], CancellationToken.None);
        await laptopStore.DeleteFolderAsync(Bob, "Work", CancellationToken.None);
        await MailRing.SyncedAsync(desktopAgent, "side A never took the desktop's changes");
        await MailRing.SyncedAsync(laptopAgent, "side B never took the laptop's changes");

        await PartitionHealingTests.SetLinks(sideA, sideB, Unthrottled.Instance);
        await Eventually.True(async () => await mail.Ring.WrongLeafSetsAsync() == 0, TimeSpan.FromSeconds(60), "the rings did not merge");

        // Both nodes notice the other branch on their next head check, merge or fast-forward, and agree.
        await Eventually.True(async () =>
        {
            await desktopAgent.Ask<AgentDone>(SyncNow.Instance, TimeSpan.FromSeconds(10));
            await laptopAgent.Ask<AgentDone>(SyncNow.Instance, TimeSpan.FromSeconds(10));
            var a = await Names(desktop, "INBOX") + " | " + await Names(desktop, "Work");
            var b = await Names(laptop, "INBOX") + " | " + await Names(laptop, "Work");
            return a == b && a.Contains("a1") && a.Contains("b1") && a.Contains("w1");
        }, TimeSpan.FromSeconds(120), "the two nodes never agreed on a merged mailbox",
            async () => $"desktop: {await Names(desktop, "INBOX")} | {await Names(desktop, "Work")} {await desktopAgent.Ask<AgentStatus>(GetAgentStatus.Instance, TimeSpan.FromSeconds(10))}\n" +
                        $"laptop: {await Names(laptop, "INBOX")} | {await Names(laptop, "Work")} {await laptopAgent.Ask<AgentStatus>(GetAgentStatus.Instance, TimeSpan.FromSeconds(10))}\n" +
                        $"leaf sets wrong: {await mail.Ring.WrongLeafSetsAsync()}\nerrors:\n{string.Join("\n", errors.Take(20))}");

        var inbox = await store.ReadFolderAsync(Bob, "INBOX", CancellationToken.None);
        var names = (await Names(desktop, "INBOX")).Split(' ');
        // Every message inserted on either side is there; Work, deleted on the laptop while the desktop filed w1 into
        // it, is back with that mail.
        Assert.Contains("m1", names);
        Assert.Contains("a1", names);
        Assert.Contains("b1", names);
        Assert.Contains("w1", (await Names(desktop, "Work")).Split(' '));
        Assert.Equal(inbox.Messages.Count, inbox.Messages.Select(m => m.Uid).Distinct().Count());
        Assert.All(inbox.Messages, m => Assert.True(m.Uid < inbox.UidNext));
        // a1 and b1 both took UID 4 on their sides; one of them now has another UID, so a client's cached UIDs of
        // INBOX are void: a new UIDVALIDITY, on both nodes. Work was written on one side only and keeps its own.
        Assert.True(inboxValidity != inbox.UidValidity, $"INBOX kept UIDVALIDITY {inboxValidity} (Work {workValidity} -> {(await store.ReadFolderAsync(Bob, "Work", CancellationToken.None)).UidValidity})");
        Assert.Equal(inbox.UidValidity, (await laptopStore.ReadFolderAsync(Bob, "INBOX", CancellationToken.None)).UidValidity);
        Assert.Equal(workValidity, (await store.ReadFolderAsync(Bob, "Work", CancellationToken.None)).UidValidity);
        Assert.True((await desktopAgent.Ask<AgentStatus>(GetAgentStatus.Instance, TimeSpan.FromSeconds(10))).Merges +
                    (await laptopAgent.Ask<AgentStatus>(GetAgentStatus.Instance, TimeSpan.FromSeconds(10))).Merges >= 1);
    }

    /// <summary>The subjects in a folder, in UID order ("" when the folder does not exist there).</summary>
    private static async Task<string> Names(Hosting.NodeHost node, string folder)
    {
        try
        {
            var state = await node.Mail!.Store.ReadFolderAsync(Bob, folder, CancellationToken.None);
            var names = new List<string>();
            foreach (var message in state.Messages)
            {
                var bytes = await node.Mail.Store.ReadMessageAsync(Bob, folder, message.Uid, CancellationToken.None);
                var text = Encoding.ASCII.GetString(bytes!);
                names.Add(text[(text.IndexOf("Subject: ", StringComparison.Ordinal) + 9)..text.IndexOf("\r\nMessage-ID", StringComparison.Ordinal)]);
            }
            return string.Join(' ', names);
        }
        catch (MailStoreException)
        {
            return "";
        }
    }

    private sealed class ErrorCollector : ReceiveActor
    {
        public ErrorCollector(System.Collections.Concurrent.ConcurrentQueue<string> errors) =>
            Receive<Akka.Event.Error>(e => errors.Enqueue($"{e.LogSource}: {e.Message} {e.Cause}"));
    }
}
