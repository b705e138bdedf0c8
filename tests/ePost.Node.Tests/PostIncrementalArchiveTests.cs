using System.Text;
using Akka.Actor;
using ePost.Core.Crypto;
using ePost.Core.Ids;
using ePost.Mail.Backend;
using ePost.Post.Mailbox;
using ePost.Post.Messages;
using ePost.Post.Ring;
using ePost.Storage.Glacier;
using ePost.Storage.Objects;

namespace ePost.Node.Tests;

/// <summary>
/// Incremental Glacier: new mail is archived soon after it is filed (archive-delay after the change, not a day later),
/// each run packs only what no earlier run packed, and the record of what is archived survives a restart.
/// </summary>
[Collection(HeavyTests.Name)]
public sealed class PostIncrementalArchiveTests
{
    private static readonly MailUser Bob = new("bob", "bob@ring.test");

    private static byte[] Message()
    {
        var attachment = Convert.ToBase64String(Enumerable.Range(0, 9000).Select(b => (byte)(b * 7 + 1)).ToArray(), Base64FormattingOptions.InsertLineBreaks);
        return Encoding.ASCII.GetBytes(
            "From: alice@ring.test\r\nTo: bob@ring.test\r\nSubject: incremental\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n" +
            $"--x\r\nContent-Type: text/plain\r\n\r\nnew mail\r\n--x\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n{attachment}\r\n--x--\r\n");
    }

    [Fact]
    public async Task A_delivered_message_and_the_head_naming_it_are_restorable_from_fragments_once_the_archive_delay_has_passed_and_are_never_packed_again()
    {
        // The full pass is a day away: only the incremental run can archive the new mail in this test.
        await using var mail = new MailRing
        {
            Extra = "epost.post { archive-delay = 1s, archive-interval = 1d }\nepost.glacier { fragment-timeout = 2s, restore-timeout = 30s, archive-timeout = 20s }",
        };
        var alice = mail.Issue("alice@ring.test");
        var bob = mail.Issue("bob@ring.test");
        var aliceNode = await mail.AddAsync(alice);
        for (var i = 0; i < 4; i++) await mail.AddAsync();
        var bobDataDir = mail.Ring.NewDataDir("bob");
        var bobNode = await mail.AddAsync(bobDataDir, bob);
        await MailRing.ReadyAgentAsync(aliceNode, "alice@ring.test");
        var agent = await MailRing.ReadyAgentAsync(bobNode, "bob@ring.test");
        await Eventually.True(async () => await MailRing.KnowsCertificateAsync(aliceNode, "bob@ring.test"),
            TimeSpan.FromSeconds(30), "bob's certificate was never published");

        await aliceNode.Mail!.Delivery.DeliverAsync("d-1", "alice@ring.test", "bob@ring.test", Message(), CancellationToken.None);
        await Eventually.True(async () => (await MailRing.InboxAsync(bobNode, "bob@ring.test")).Messages.Count == 1,
            TimeSpan.FromSeconds(30), "the message never reached bob's INBOX");
        await MailRing.SyncedAsync(agent, "bob's logs never reached the ring");

        // What a recovering node needs for this message: its manifest, its blocks, and INBOX's head at the entry filing it.
        var inbox = (FolderView)await agent.Ask<object>(new GetFolder("INBOX"), TimeSpan.FromSeconds(10));
        var message = Assert.Single(inbox.State.Messages).Ref;
        var ring = bobNode.Mail!.Services.Ring;
        var manifestId = RingId.FromBytes(message.ManifestId);
        var ciphertext = await ring.ReadBlockAsync(manifestId);
        var manifest = MessageManifest.Decode(ConvergentEncryption.Decrypt(manifestId, message.Key, ciphertext));
        var blocks = manifest.Segments.Where(s => s.IsBlock).Select(s => s.BlockId).ToList();
        Assert.NotEmpty(blocks);
        var headId = LogHead.IdOf(bob, LogHead.FolderLabel(inbox.FolderId));
        var head = Assert.IsType<SignedObject>(await ring.LookupAsync(headId, newest: true));

        // Restored by another node from the fragments the archive index names (each container rebuilt once).
        var glacier = mail.Ring.Nodes[1].Glacier;
        var restored = new Dictionary<RingId, List<StoredObject>>();
        await Eventually.True(async () =>
        {
            if (await ArchiveIndex.ReadAsync(ring, bob) is not { } index) return false;
            foreach (var container in index.Containers.Where(c => !restored.ContainsKey(c.ContainerId)))
            {
                var answer = await glacier.Ask<object>(new Restore(container), TimeSpan.FromSeconds(60));
                restored[container.ContainerId] = Assert.IsType<Restored>(answer).Objects.ToList();
            }
            var objects = index.Containers.SelectMany(c => restored[c.ContainerId]).ToList();
            return objects.Any(o => o.Id == manifestId)
                   && blocks.All(b => objects.Any(o => o.Id == b))
                   && objects.OfType<SignedObject>().Any(o => o.Id == headId && o.Version == head.Version);
        }, TimeSpan.FromSeconds(120), "the new message and INBOX's new head were never archived",
            async () => $"status {await agent.Ask<AgentStatus>(GetAgentStatus.Instance, TimeSpan.FromSeconds(10))}");

        // A run now finds nothing new: nothing already archived is packed again.
        var before = await agent.Ask<AgentStatus>(GetAgentStatus.Instance, TimeSpan.FromSeconds(10));
        Assert.True(before.ArchivedObjects > 0);
        var again = Assert.IsType<MailboxArchived>(await agent.Ask<object>(ArchiveChangesNow.Instance, TimeSpan.FromSeconds(120)));
        Assert.Equal(0, again.Objects);
        Assert.Empty(again.Containers);
        Assert.Equal(before.ArchivedObjects, (await agent.Ask<AgentStatus>(GetAgentStatus.Instance, TimeSpan.FromSeconds(10))).ArchivedObjects);

        // Nor after a restart: the journal remembers what is archived.
        await mail.Ring.ShutdownAsync(bobNode);
        var restarted = await mail.AddAsync(bobDataDir, bob);
        var agentAgain = await MailRing.ReadyAgentAsync(restarted, "bob@ring.test");
        var afterRestart = Assert.IsType<MailboxArchived>(await agentAgain.Ask<object>(ArchiveChangesNow.Instance, TimeSpan.FromSeconds(120)));
        Assert.Equal(0, afterRestart.Objects);
        Assert.Equal(0, (await agentAgain.Ask<AgentStatus>(GetAgentStatus.Instance, TimeSpan.FromSeconds(10))).ArchivedObjects);
    }
}
