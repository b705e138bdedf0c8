using System.Text;
using Akka.Actor;
using ePost.Mail.Backend;
using ePost.Post.Mailbox;

namespace ePost.Node.Tests;

/// <summary>POST's promises with the recipient's node down, and after its data is lost: 10 real nodes over Akka.Remote.</summary>
[Collection(HeavyTests.Name)]
public sealed class PostOfflineDeliveryTests
{
    private static byte[] Message(int i) => Encoding.ASCII.GetBytes(
        $"From: Alice <alice@ring.test>\r\nTo: Bob <bob@ring.test>\r\nSubject: Offline note {i}\r\nMessage-ID: <offline-{i}@ring.test>\r\n" +
        $"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nNote {i} was sent while Bob's node was down.\r\n{new string('x', i * 50)}\r\n");

    private static readonly MailUser Bob = new("bob", "bob@ring.test");

    [Fact]
    public async Task A_hundred_messages_sent_while_bobs_node_is_down_are_each_filed_exactly_once_when_it_returns()
    {
        await using var mail = new MailRing();
        var alice = mail.Issue("alice@ring.test");
        var bob = mail.Issue("bob@ring.test");
        var aliceNode = await mail.AddAsync(alice);
        var bobDir = mail.Ring.NewDataDir("bob");
        var bobNode = await mail.AddAsync(bobDir, bob);
        for (var i = 0; i < 8; i++) await mail.AddAsync();
        await MailRing.ReadyAgentAsync(aliceNode, "alice@ring.test");
        await MailRing.SyncedAsync(await MailRing.ReadyAgentAsync(bobNode, "bob@ring.test"), "bob's new mailbox never reached the ring");
        await Eventually.True(async () => await MailRing.KnowsCertificateAsync(aliceNode, "bob@ring.test"),
            TimeSpan.FromSeconds(30), "bob's certificate was never published");

        await mail.Ring.ShutdownAsync(bobNode);
        // Every send returns only once the message and its notification are on a majority of replicas.
        for (var batch = 0; batch < 10; batch++)
            await Task.WhenAll(Enumerable.Range(batch * 10, 10).Select(i =>
                aliceNode.Mail!.Delivery.DeliverAsync($"offline-{i}", "alice@ring.test", "bob@ring.test", Message(i), CancellationToken.None)));
        // A sender's retry of a delivery that already succeeded must not file it twice.
        await aliceNode.Mail!.Delivery.DeliverAsync("offline-7", "alice@ring.test", "bob@ring.test", Message(7), CancellationToken.None);

        bobNode = await mail.AddAsync(bobDir, bob);
        var agent = await MailRing.ReadyAgentAsync(bobNode, "bob@ring.test");
        await Eventually.True(async () => (await MailRing.InboxAsync(bobNode, "bob@ring.test")).Messages.Count >= 100,
            TimeSpan.FromSeconds(90), "bob's node did not collect the 100 waiting notifications");
        // Give late duplicates (the retried delivery, replicas that answer late) a chance to show up if they could.
        await agent.Ask<AgentDone>(SyncNow.Instance, TimeSpan.FromSeconds(10));
        await Eventually.True(async () => (await agent.Ask<AgentStatus>(GetAgentStatus.Instance, TimeSpan.FromSeconds(10))).Duplicates >= 1,
            TimeSpan.FromSeconds(30), "the retried delivery was never seen");

        var inbox = await MailRing.InboxAsync(bobNode, "bob@ring.test");
        Assert.Equal(100, inbox.Messages.Count);
        var bodies = new HashSet<string>();
        foreach (var message in inbox.Messages)
        {
            var bytes = await bobNode.Mail!.Store.ReadMessageAsync(Bob, "INBOX", message.Uid, CancellationToken.None);
            Assert.NotNull(bytes);
            Assert.Equal(bytes!.Length, message.Size);
            var text = Encoding.ASCII.GetString(bytes);
            var i = int.Parse(text[(text.IndexOf("Offline note ", StringComparison.Ordinal) + 13)..text.IndexOf("\r\n", text.IndexOf("Offline note ", StringComparison.Ordinal), StringComparison.Ordinal)]);
            Assert.Equal(Message(i), bytes);
            Assert.True(bodies.Add(text), $"message {i} is filed twice");
        }
    }

    [Fact]
    public async Task Bobs_mailbox_is_recovered_on_a_new_node_from_his_key_alone()
    {
        await using var mail = new MailRing();
        var bob = mail.Issue("bob@ring.test");
        var bobNode = await mail.AddAsync(bob);
        for (var i = 0; i < 5; i++) await mail.AddAsync();
        var agent = await MailRing.ReadyAgentAsync(bobNode, "bob@ring.test");
        var store = bobNode.Mail!.Store;

        for (var i = 0; i < 12; i++) await store.AppendAsync(Bob, "INBOX", Message(i), i % 3 == 0 ? ["\\Seen"] : [], null, CancellationToken.None);
        await store.CreateFolderAsync(Bob, "Projects/Ünïcode", CancellationToken.None);
        await store.MoveAsync(Bob, "INBOX", [2, 3, 4], "Projects/Ünïcode", CancellationToken.None);
        await store.StoreFlagsAsync(Bob, "INBOX", [5, 6], FlagChange.Add, ["\\Flagged", "$Important"], CancellationToken.None);
        await store.ExpungeAsync(Bob, "INBOX", [1], CancellationToken.None);
        await store.SetSubscribedAsync(Bob, "Projects/Ünïcode", true, CancellationToken.None);
        await store.DeleteFolderAsync(Bob, "Junk", CancellationToken.None);
        var before = await SnapshotAsync(bobNode);
        await MailRing.SyncedAsync(agent, "bob's logs never reached the ring");

        // Bob's data directory is gone with his node; all he has is his key file.
        var lostDir = bobNode.Settings.DataDir;
        await mail.Ring.ShutdownAsync(bobNode);
        Directory.Delete(lostDir, recursive: true);

        var newNode = await mail.AddRecoveringAsync(bob);
        await MailRing.ReadyAgentAsync(newNode, "bob@ring.test");
        var after = await SnapshotAsync(newNode);
        Assert.Equal(before, after);
        var moved = await newNode.Mail!.Store.ReadFolderAsync(Bob, "Projects/Ünïcode", CancellationToken.None);
        // UID 2 was the second message appended (Message(1)); it moved with its bytes intact.
        Assert.Equal(Message(1), await newNode.Mail.Store.ReadMessageAsync(Bob, "Projects/Ünïcode", moved.Messages[0].Uid, CancellationToken.None));
    }

    /// <summary>Every folder with its counters, subscription and messages (UID, flags, size, date) as one comparable text.</summary>
    private static async Task<string> SnapshotAsync(Hosting.NodeHost node)
    {
        var store = node.Mail!.Store;
        var text = new StringBuilder();
        foreach (var folder in (await store.ListFoldersAsync(Bob, CancellationToken.None)).OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            var state = await store.ReadFolderAsync(Bob, folder.Name, CancellationToken.None);
            text.Append($"{folder.Name} sub={folder.Subscribed} uv={state.UidValidity} next={state.UidNext}\n");
            foreach (var m in state.Messages)
                text.Append($"  {m.Uid} [{string.Join(' ', m.Flags)}] {m.Size} {m.InternalDate.ToUnixTimeMilliseconds()}\n");
        }
        return text.ToString();
    }
}
