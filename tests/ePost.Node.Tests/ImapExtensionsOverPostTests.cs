using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using MimeKit;

namespace ePost.Node.Tests;

/// <summary>
/// The IMAP extensions of issue 14 with MailKit against a node with POST underneath: every message is cut into blocks,
/// stored in the ring and read back from it. Each test works in a folder of its own.
/// </summary>
[Collection(HeavyTests.Name)]
public sealed class ImapExtensionsOverPostTests(PostImapRing ring) : IClassFixture<PostImapRing>
{
    private async Task<ImapClient> ConnectAsync()
    {
        var client = new ImapClient();
        await client.ConnectAsync(ring.Endpoints.Host, ring.Endpoints.Imap, SecureSocketOptions.None);
        await client.AuthenticateAsync(PostImapRing.Alice, "secret");
        return client;
    }

    private static MimeMessage Message(string subject, string text) =>
        new([MailboxAddress.Parse("bob@ring.test")], [MailboxAddress.Parse(PostImapRing.Alice)], subject, new TextPart("plain") { Text = text });

    [Fact]
    public async Task Thunderbird_style_qresync_after_a_disconnect_sees_flag_changes_expunges_and_new_mail()
    {
        uint uidValidity;
        ulong highestModSeq;
        IList<UniqueId> known;
        using (var first = await ConnectAsync())
        {
            await first.EnableQuickResyncAsync();
            var folder = (await first.GetFolder(first.PersonalNamespaces[0]).CreateAsync("Qresync", isMessageFolder: true))!;
            for (var i = 1; i <= 4; i++) await folder.AppendAsync(Message($"m{i}", $"Body {i}"));
            await folder.OpenAsync(FolderAccess.ReadWrite);
            uidValidity = folder.UidValidity;
            highestModSeq = folder.HighestModSeq;
            known = await folder.SearchAsync(SearchQuery.All);
            Assert.Equal(4, known.Count);
            await first.DisconnectAsync(quit: true);
        }

        using (var other = await ConnectAsync())
        {
            var folder = await other.GetFolderAsync("Qresync");
            await folder.OpenAsync(FolderAccess.ReadWrite);
            await folder.AddFlagsAsync(known[0], MessageFlags.Seen | MessageFlags.Flagged, silent: true);
            await folder.AddFlagsAsync([known[1], known[2]], MessageFlags.Deleted, silent: true);
            await folder.ExpungeAsync();
            await folder.AppendAsync(Message("m5", "Body 5"));
            await other.DisconnectAsync(quit: true);
        }

        using var client = await ConnectAsync();
        await client.EnableQuickResyncAsync();
        var resynced = await client.GetFolderAsync("Qresync");
        var vanished = new List<UniqueId>();
        var flagged = new List<(UniqueId? Uid, MessageFlags Flags)>();
        resynced.MessagesVanished += (_, e) => vanished.AddRange(e.UniqueIds);
        resynced.MessageFlagsChanged += (_, e) => flagged.Add((e.UniqueId, e.Flags));
        await resynced.OpenAsync(FolderAccess.ReadWrite, uidValidity, highestModSeq, known);

        Assert.Equal([known[1], known[2]], vanished.Order());
        Assert.Contains(flagged, f => f.Uid == known[0] && f.Flags.HasFlag(MessageFlags.Seen) && f.Flags.HasFlag(MessageFlags.Flagged));
        Assert.Equal(3, resynced.Count);
        var summaries = await resynced.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.PreviewText | MessageSummaryItems.Envelope);
        Assert.Equal(["m1", "m4", "m5"], summaries.Select(s => s.Envelope!.Subject));
        Assert.Equal(["Body 1", "Body 4", "Body 5"], summaries.Select(s => s.PreviewText));
        await client.DisconnectAsync(quit: true);
    }

    [Fact]
    public async Task Compressed_sessions_append_and_fetch_large_messages_byte_for_byte()
    {
        using var client = await ConnectAsync();
        await client.CompressAsync();
        var folder = (await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync("Compressed", isMessageFolder: true))!;
        var text = string.Concat(Enumerable.Range(0, 5000).Select(i => $"line {i} of a compressed message\r\n"));
        var uid = (await folder.AppendAsync(Message("big", text)))!.Value;
        await folder.OpenAsync(FolderAccess.ReadOnly);
        var fetched = await folder.GetMessageAsync(uid);
        Assert.Equal(text.Replace("\r\n", "\n"), fetched.TextBody!.Replace("\r\n", "\n"));
        await client.DisconnectAsync(quit: true);
    }

    [Fact]
    public async Task Object_ids_and_save_dates_come_from_the_log_and_survive_copy_move_and_rename()
    {
        using var client = await ConnectAsync();
        var personal = client.GetFolder(client.PersonalNamespaces[0]);
        var source = (await personal.CreateAsync("ObjSource", isMessageFolder: true))!;
        var target = (await personal.CreateAsync("ObjTarget", isMessageFolder: true))!;
        var original = Message("plan", "Let us meet.");
        var reply = Message("Re: plan", "Yes.");
        reply.InReplyTo = original.MessageId;
        await source.AppendAsync(original);
        await source.AppendAsync(reply);

        const MessageSummaryItems Ids = MessageSummaryItems.UniqueId | MessageSummaryItems.EmailId | MessageSummaryItems.ThreadId
            | MessageSummaryItems.SaveDate;
        await source.OpenAsync(FolderAccess.ReadWrite);
        var sourceId = source.Id;
        var before = await source.FetchAsync(0, -1, Ids);
        Assert.NotNull(sourceId);
        Assert.Equal(2, before.Select(m => m.EmailId).Distinct().Count());
        Assert.All(before, m => Assert.NotNull(m.EmailId));
        Assert.All(before, m => Assert.NotNull(m.SaveDate));
        Assert.Single(before.Select(m => m.ThreadId).Distinct());
        Assert.NotNull(before[0].ThreadId);
        await source.CopyToAsync(before[0].UniqueId, target);
        await source.MoveToAsync(before[1].UniqueId, target);

        await target.OpenAsync(FolderAccess.ReadWrite);
        var targetId = target.Id;
        var after = await target.FetchAsync(0, -1, Ids);
        Assert.NotEqual(sourceId, targetId);
        Assert.Equal(before.Select(m => m.EmailId), after.Select(m => m.EmailId));
        Assert.Equal(before.Select(m => m.ThreadId), after.Select(m => m.ThreadId));
        // COPY and MOVE file the message anew: its save date is that of the copy, not of the original.
        Assert.All(after.Zip(before), pair => Assert.True(pair.Item1.SaveDate >= pair.Item2.SaveDate));
        var found = await target.SearchAsync(SearchOptions.All | SearchOptions.Count, SearchQuery.SavedSince(after[0].SaveDate!.Value.UtcDateTime.Date));
        Assert.Equal(2, found.Count);
        await target.CloseAsync();

        await target.RenameAsync(personal, "ObjRenamed");
        var renamed = await client.GetFolderAsync("ObjRenamed");
        await renamed.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(targetId, renamed.Id);
        await client.DisconnectAsync(quit: true);
    }

    [Fact]
    public async Task A_subscribed_folder_deleted_over_post_stays_listed_as_nonexistent()
    {
        using var client = await ConnectAsync();
        var personal = client.GetFolder(client.PersonalNamespaces[0]);
        var doomed = (await personal.CreateAsync("ObjGone", isMessageFolder: true))!;
        await doomed.SubscribeAsync();
        await doomed.DeleteAsync();

        var subscribed = await personal.GetSubfoldersAsync(subscribedOnly: true);

        var gone = Assert.Single(subscribed, f => f.Name == "ObjGone");
        Assert.True(gone.Attributes.HasFlag(FolderAttributes.NonExistent));
        Assert.True(gone.Attributes.HasFlag(FolderAttributes.Subscribed));
        await client.DisconnectAsync(quit: true);
    }

    [Fact]
    public async Task Utf8_accept_over_post_creates_lists_and_fills_a_folder_named_in_utf8()
    {
        using var client = await ConnectAsync();
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.UTF8Accept));
        await client.EnableUTF8Async();
        var personal = client.GetFolder(client.PersonalNamespaces[0]);
        var folder = (await personal.CreateAsync("Entwürfe ✓", isMessageFolder: true))!;
        await folder.AppendAsync(Message("Grüße aus Köln", "Hallo"));

        Assert.Contains("Entwürfe ✓", (await personal.GetSubfoldersAsync()).Select(f => f.FullName));
        await folder.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal("Grüße aus Köln", (await folder.FetchAsync(0, -1, MessageSummaryItems.Envelope)).Single().Envelope!.Subject);
        await client.DisconnectAsync(quit: true);
        var stored = await ring.Node.Mail!.Store.ReadFolderAsync(new ePost.Mail.Backend.MailUser("alice", PostImapRing.Alice), "Entwürfe ✓", CancellationToken.None);
        Assert.Single(stored.Messages);
    }
}
