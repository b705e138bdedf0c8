using System.Text;
using Akka.Actor;
using ePost.Core.Ids;
using ePost.Mail.Backend;
using ePost.Post.Mailbox;
using ePost.Post.Ring;
using ePost.Storage.Glacier;

namespace ePost.Node.Tests;

/// <summary>Glacier under POST: a mailbox survives the loss, at one stroke, of most of the ring and every replica of its root log.</summary>
[Collection(HeavyTests.Name)]
public sealed class PostArchiveTests
{
    private static readonly MailUser Bob = new("bob", "bob@ring.test");

    private static byte[] Message(int i)
    {
        var attachment = Convert.ToBase64String(Enumerable.Range(0, 6000).Select(b => (byte)(b * i + 3)).ToArray(), Base64FormattingOptions.InsertLineBreaks);
        return Encoding.ASCII.GetBytes(
            $"From: alice@ring.test\r\nTo: bob@ring.test\r\nSubject: archived {i}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n" +
            $"--x\r\nContent-Type: text/plain\r\n\r\nmessage {i}\r\n--x\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n{attachment}\r\n--x--\r\n");
    }

    [Fact]
    public async Task Bobs_mailbox_is_rebuilt_from_fragments_after_seven_of_twelve_nodes_with_every_replica_of_his_root_log_die_at_once()
    {
        await using var mail = new MailRing { Extra = "epost.glacier { fragment-timeout = 2s, restore-timeout = 30s, archive-timeout = 20s }" };
        var bob = mail.Issue("bob@ring.test");
        // Bob's node joins a formed ring, so his mailbox is written to its true replicas and not spread by the
        // hand-offs of a ring still growing (earlier holders keep their copies until the lease ends).
        for (var i = 0; i < 11; i++) await mail.AddAsync();
        await Eventually.True(async () => await mail.Ring.WrongLeafSetsAsync() == 0, TimeSpan.FromSeconds(60), "ring did not converge");
        var bobNode = await mail.AddAsync(bob);
        await Eventually.True(async () => await mail.Ring.WrongLeafSetsAsync() == 0, TimeSpan.FromSeconds(60), "ring did not converge");
        var agent = await MailRing.ReadyAgentAsync(bobNode, "bob@ring.test");
        for (var i = 0; i < 10; i++)
            await bobNode.Mail!.Store.AppendAsync(Bob, "INBOX", Message(i), i % 2 == 0 ? ["\\Seen"] : [], null, CancellationToken.None);
        await MailRing.SyncedAsync(agent, "bob's logs never reached the ring");

        var archived = Assert.IsType<MailboxArchived>(await agent.Ask<object>(ArchiveNow.Instance, TimeSpan.FromSeconds(120)));
        Assert.NotEmpty(archived.Containers);
        await Eventually.True(async () =>
        {
            foreach (var node in mail.Ring.Nodes) node.Glacier.Tell(MaintainNow.Instance);
            return await HeldFragmentsAsync(mail.Ring) >= archived.Containers.Sum(c => c.N);
        }, TimeSpan.FromSeconds(60), "the archive's fragments were never all placed");

        // Bob's node and every replica of his root log's head go down together with others: seven of twelve.
        var rootHead = LogHead.IdOf(bob, LogHead.RootLabel);
        // Every node holding a copy: the r closest, and any earlier holder that has not dropped its copy yet.
        var holders = new List<Hosting.NodeHost>();
        foreach (var node in mail.Ring.Nodes)
            if ((await node.HeldAsync()).Contains(rootHead)) holders.Add(node);
        var victims = new[] { bobNode }.Concat(holders).Distinct().ToList();
        Assert.True(victims.Count <= 7, $"{holders.Count} nodes hold bob's root head");
        victims.AddRange(mail.Ring.Nodes.Except(victims).Take(7 - victims.Count));
        await Task.WhenAll(victims.Select(mail.Ring.ShutdownAsync));
        foreach (var survivor in mail.Ring.Nodes) Assert.DoesNotContain(rootHead, await survivor.HeldAsync());
        await Eventually.True(async () => await mail.Ring.WrongLeafSetsAsync() == 0, TimeSpan.FromSeconds(60), "the survivors' ring did not settle");

        // With only his key file, bob recovers on a new node: from the archive's fragments on the five survivors.
        var newNode = await mail.AddRecoveringAsync(bob);
        // What `epost recover` draws meanwhile: the phase of loading and how far it is.
        var progress = new StringWriter();
        using (var waiting = new CancellationTokenSource(TimeSpan.FromSeconds(120)))
            Assert.True((await Cli.MailboxLoadProgress.WaitAsync(newNode.Mail!.Agents, progress, waiting.Token))["bob@ring.test"].Ready);
        Assert.Contains("\rbob@ring.test: ", progress.ToString());
        var recovered = await MailRing.ReadyAgentAsync(newNode, "bob@ring.test");
        Assert.Null((await recovered.Ask<AgentStatus>(GetAgentStatus.Instance, TimeSpan.FromSeconds(10))).Loading);
        var inbox = await MailRing.InboxAsync(newNode, "bob@ring.test");
        Assert.Equal(10, inbox.Messages.Count);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(i % 2 == 0, inbox.Messages[i].Flags.Contains("\\Seen"));
            Assert.Equal(Message(i), await newNode.Mail!.Store.ReadMessageAsync(Bob, "INBOX", inbox.Messages[i].Uid, CancellationToken.None));
        }
    }

    private static async Task<int> HeldFragmentsAsync(LocalRing ring) =>
        (await Task.WhenAll(ring.Nodes.Select(n => n.Glacier.Ask<HeldFragments>(ListFragments.Instance, TimeSpan.FromSeconds(10))))).Sum(h => h.Fragments.Count);
}
