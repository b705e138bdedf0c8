using System.Text;
using Akka.Actor;
using ePost.Core.Crypto;
using ePost.Core.Ids;
using ePost.Mail.Backend;
using ePost.Node.Hosting;
using ePost.Post.Mailbox;
using ePost.Post.Messages;
using ePost.Post.Ring;
using ePost.Storage.Leases;
using ePost.Storage.Objects;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Data.Sqlite;

namespace ePost.Node.Tests;

/// <summary>
/// A mailbox recovered on a new node while the ring has lost, on every replica, one block it references: it loads,
/// serves everything else, says what is missing, and serves the rest as soon as the block is back, without a restart.
/// </summary>
[Collection(HeavyTests.Name)]
public sealed class PostMissingBlockTests
{
    private static readonly MailUser Bob = new("bob", "bob@ring.test");

    /// <summary>No archive run in these rings: a recovering node must not find the lost block in Glacier.</summary>
    private const string NoArchive = "epost.post { archive-delay = 1d, archive-interval = 1d }";

    private static byte[] Message(int i)
    {
        var attachment = Convert.ToBase64String(Enumerable.Range(0, 9000).Select(b => (byte)(b * i + 5)).ToArray(), Base64FormattingOptions.InsertLineBreaks);
        return Encoding.ASCII.GetBytes(
            $"From: alice@ring.test\r\nTo: bob@ring.test\r\nSubject: note {i}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n" +
            $"--x\r\nContent-Type: text/plain\r\n\r\nnote {i}\r\n--x\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n{attachment}\r\n--x--\r\n");
    }

    [Fact]
    public async Task A_message_whose_block_no_replica_holds_is_the_only_one_unavailable_and_is_served_once_the_block_is_back()
    {
        await using var mail = new MailRing { Extra = NoArchive };
        var bob = mail.Issue("bob@ring.test");
        var (bobNode, agent) = await RingWithBobsThreeMessagesAsync(mail, bob);
        var inbox = (FolderView)await agent.Ask<object>(new GetFolder("INBOX"), TimeSpan.FromSeconds(10));
        var second = inbox.State.Messages[1];
        var ring = bobNode.Mail!.Services.Ring;
        var manifestId = RingId.FromBytes(second.Ref.ManifestId);
        var ciphertext = await ring.ReadBlockAsync(manifestId);
        var lost = MessageManifest.Decode(ConvergentEncryption.Decrypt(manifestId, second.Ref.Key, ciphertext)).Segments.First(s => s.IsBlock).BlockId;
        var block = Assert.IsType<ContentBlock>(await ring.LookupAsync(lost));

        await mail.Ring.ShutdownAsync(bobNode);
        DeleteEverywhere(mail.Ring, lost);
        var newNode = await mail.AddRecoveringAsync(bob);
        var recovered = await MailRing.ReadyAgentAsync(newNode, "bob@ring.test");

        // The agent names what it lacks.
        await Eventually.True(async () => (await StatusAsync(recovered)).Missing?.Contains(lost) == true,
            TimeSpan.FromSeconds(60), "the agent never listed the lost block", async () => $"{await StatusAsync(recovered)}");
        Assert.Empty((await StatusAsync(recovered)).DegradedFolders ?? []);

        // A real IMAP client selects INBOX, reads the other two, and gets a clear NO for the one that lacks a block.
        using var imap = await ImapAsync(newNode);
        var folder = imap.Inbox;
        await folder.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(3, folder.Count);
        var uids = await folder.SearchAsync(MailKit.Search.SearchQuery.All);
        Assert.Equal(Message(0), await BytesAsync(folder, uids[0]));
        Assert.Equal(Message(2), await BytesAsync(folder, uids[2]));
        var refused = await Assert.ThrowsAsync<ImapCommandException>(() => BytesAsync(folder, uids[1]));
        Assert.Equal(ImapCommandResponse.No, refused.Response);
        Assert.Contains("cannot be read from the ring", refused.ResponseText);

        // A FETCH over the whole folder (what a client does after SELECT) still answers the readable messages, and
        // says at the end that one could not be read.
        var fetched = new List<UniqueId>();
        folder.MessageSummaryFetched += (_, e) => { if (e.Message.UniqueId.IsValid) fetched.Add(e.Message.UniqueId); };
        var partial = await Assert.ThrowsAsync<ImapCommandException>(() =>
            folder.FetchAsync(uids, new FetchRequest(MessageSummaryItems.UniqueId) { Headers = HeaderSet.All }));
        Assert.Equal(ImapCommandResponse.No, partial.Response);
        Assert.Contains("1 of the messages cannot be read from the ring", partial.ResponseText);
        Assert.Equal([uids[0], uids[2]], fetched.Distinct().Order());

        // The block comes back (a replica that was down, a late repair): the same session reads the message.
        await newNode.Mail!.Services.Ring.InsertAsync(block, LeaseDuration.FromDays(30));
        Assert.Equal(Message(1), await BytesAsync(folder, uids[1]));
        await Eventually.True(async () => (await StatusAsync(recovered)).Missing is { Count: 0 },
            TimeSpan.FromSeconds(60), "the agent kept listing the block after it was back", async () => $"{await StatusAsync(recovered)}");
    }

    [Fact]
    public async Task A_folder_whose_log_lacks_an_entry_on_every_replica_loads_read_only_from_what_verifies_and_whole_once_the_entry_is_back()
    {
        await using var mail = new MailRing { Extra = NoArchive };
        var alice = mail.Issue("alice@ring.test");
        var bob = mail.Issue("bob@ring.test");
        var aliceNode = await mail.AddAsync(alice);
        var (bobNode, agent) = await RingWithBobsThreeMessagesAsync(mail, bob);
        var inbox = (FolderView)await agent.Ask<object>(new GetFolder("INBOX"), TimeSpan.FromSeconds(10));
        var label = LogHead.FolderLabel(inbox.FolderId);
        var ring = bobNode.Mail!.Services.Ring;
        // INBOX's log: its snapshot, then one entry per message. The entry filing the second message is lost.
        var chain = (await LogChainReader.ReadAsync(ring, bob, label, _ => false))!;
        Assert.Equal(4, chain.Links.Count);
        var lost = chain.Links[2].BlockId;
        var entry = Assert.IsType<ContentBlock>(await ring.LookupAsync(lost));

        await mail.Ring.ShutdownAsync(bobNode);
        DeleteEverywhere(mail.Ring, lost);
        var newNode = await mail.AddRecoveringAsync(bob);
        var recovered = await MailRing.ReadyAgentAsync(newNode, "bob@ring.test");

        var status = await StatusAsync(recovered);
        Assert.Equal(["INBOX"], status.DegradedFolders);
        Assert.Contains(lost, status.Missing!);
        // What verifies above the gap is served: the third message, under a UIDVALIDITY that is not INBOX's own.
        var degraded = await MailRing.InboxAsync(newNode, "bob@ring.test");
        var only = Assert.Single(degraded.Messages);
        Assert.Equal(inbox.State.Messages[2].Uid, only.Uid);
        Assert.NotEqual(inbox.State.UidValidity, degraded.UidValidity);
        Assert.Equal(Message(2), await newNode.Mail!.Store.ReadMessageAsync(Bob, "INBOX", only.Uid, CancellationToken.None));
        // Nothing is written on top of a log whose older part is unknown.
        var refused = await Assert.ThrowsAsync<MailStoreException>(() =>
            newNode.Mail.Store.AppendAsync(Bob, "INBOX", Message(9), [], null, CancellationToken.None));
        Assert.Equal(MailStoreError.Unavailable, refused.Error);
        Assert.Contains(lost.ToShortString(), refused.Message);
        // Flags are not kept either; the \Seen that reading a message implies is not an error, it is just not kept.
        var seen = await newNode.Mail.Store.StoreFlagsAsync(Bob, "INBOX", [only.Uid], FlagChange.Add, ["\\Seen"], CancellationToken.None);
        Assert.DoesNotContain("\\Seen", Assert.Single(seen).Flags);
        Assert.Equal(MailStoreError.Unavailable, (await Assert.ThrowsAsync<MailStoreException>(() =>
            newNode.Mail.Store.StoreFlagsAsync(Bob, "INBOX", [only.Uid], FlagChange.Add, ["\\Flagged"], CancellationToken.None))).Error);
        // The other folders are whole and writable.
        await newNode.Mail.Store.AppendAsync(Bob, "Drafts", Message(8), [], null, CancellationToken.None);
        // Mail for bob meanwhile waits in the ring rather than being filed on top of the partial INBOX.
        await MailRing.ReadyAgentAsync(aliceNode, "alice@ring.test");
        await Eventually.True(async () => await MailRing.KnowsCertificateAsync(aliceNode, "bob@ring.test"),
            TimeSpan.FromSeconds(30), "bob's certificate was never published");
        await aliceNode.Mail!.Delivery.DeliverAsync("d-late", "alice@ring.test", "bob@ring.test", Message(7), CancellationToken.None);

        // The entry comes back: INBOX is adopted whole, under its own UIDVALIDITY, with all three messages, and the
        // mail that waited is filed after them.
        await newNode.Mail.Services.Ring.InsertAsync(entry, LeaseDuration.FromDays(30));
        await Eventually.True(async () => (await StatusAsync(recovered)).DegradedFolders is { Count: 0 },
            TimeSpan.FromSeconds(60), "INBOX never became whole", async () => $"{await StatusAsync(recovered)}");
        await Eventually.True(async () => (await MailRing.InboxAsync(newNode, "bob@ring.test")).Messages.Count == 4,
            TimeSpan.FromSeconds(60), "the mail that waited was never filed");
        var whole = await MailRing.InboxAsync(newNode, "bob@ring.test");
        Assert.Equal(inbox.State.UidValidity, whole.UidValidity);
        Assert.Equal(inbox.State.Messages.Select(m => m.Uid), whole.Messages.Take(3).Select(m => m.Uid));
        for (var i = 0; i < 3; i++)
            Assert.Equal(Message(i), await newNode.Mail.Store.ReadMessageAsync(Bob, "INBOX", whole.Messages[i].Uid, CancellationToken.None));
        Assert.Equal(Message(7), await newNode.Mail.Store.ReadMessageAsync(Bob, "INBOX", whole.Messages[3].Uid, CancellationToken.None));
        Assert.Empty((await StatusAsync(recovered)).Missing!);
    }

    /// <summary>Five plain nodes (after any started before) and bob's, three messages in his INBOX, every log record in the ring.</summary>
    private static async Task<(NodeHost Node, IActorRef Agent)> RingWithBobsThreeMessagesAsync(MailRing mail, UserKeys bob)
    {
        for (var i = 0; i < 5; i++) await mail.AddAsync();
        var bobNode = await mail.AddAsync(bob);
        var agent = await MailRing.ReadyAgentAsync(bobNode, "bob@ring.test");
        for (var i = 0; i < 3; i++) await bobNode.Mail!.Store.AppendAsync(Bob, "INBOX", Message(i), [], null, CancellationToken.None);
        await MailRing.SyncedAsync(agent, "bob's logs never reached the ring");
        return (bobNode, agent);
    }

    /// <summary>Deletes <paramref name="id"/> from the object store of every running node (its SQLite file): no replica holds it any more.</summary>
    private static void DeleteEverywhere(LocalRing ring, RingId id)
    {
        foreach (var node in ring.Nodes)
        {
            var path = Path.Combine(node.Settings.DataDir, Storage.Local.SqliteObjectStore.FileName);
            using var connection = new SqliteConnection($"Data Source={path};Pooling=False;Default Timeout=30");
            connection.Open();
            using var delete = connection.CreateCommand();
            delete.CommandText = "DELETE FROM objects WHERE id = $id";
            delete.Parameters.AddWithValue("$id", id.ToBytes());
            delete.ExecuteNonQuery();
        }
    }

    private static Task<AgentStatus> StatusAsync(IActorRef agent) => agent.Ask<AgentStatus>(GetAgentStatus.Instance, TimeSpan.FromSeconds(10));

    private static async Task<ImapClient> ImapAsync(NodeHost node)
    {
        var client = new ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync(node.MailEndpoints!.Host, node.MailEndpoints.Imap, SecureSocketOptions.StartTls);
        await client.AuthenticateAsync("bob@ring.test", "secret");
        return client;
    }

    private static async Task<byte[]> BytesAsync(IMailFolder folder, UniqueId uid)
    {
        using var stream = await folder.GetStreamAsync(uid, "");
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
