using ePost.Mail.Imap;
using MailKit;

namespace ePost.Mail.Tests.Imap.Listener;

/// <summary>Large folders: opening and listing them loads no message, and bulk body fetches arrive whole in pieces.</summary>
public sealed class LargeFolderTests : ImapListenerFixture
{
    [Fact]
    public async Task A_large_folder_opens_and_lists_flags_and_sizes_without_loading_any_message()
    {
        for (int i = 0; i < 500; i++) Deliver("INBOX", $"Subject: m{i}\r\n\r\n{new string('x', i)}\r\n");
        var port = await StartAsync(Factory());
        using var client = await ConnectAsync(port);
        await client.Inbox.OpenAsync(FolderAccess.ReadWrite);

        var summaries = await client.Inbox.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Flags | MessageSummaryItems.Size);

        Assert.Equal(0, Store.MessageReads);
        Assert.Equal(500, summaries.Count);
        Assert.Equal(Stored("INBOX", 500).Length, (int)summaries[499].Size!.Value);
    }

    [Fact]
    public async Task A_bulk_body_fetch_is_sent_in_pieces_and_arrives_complete_and_in_order()
    {
        for (int i = 0; i < 60; i++) Deliver("INBOX", $"Subject: m{i}\r\n\r\n{new string((char)('a' + i % 26), 3000)}\r\n");
        var port = await StartAsync(Factory(new ImapSettings("localhost", FetchChunkBytes: 8 * 1024)));
        using var client = await ConnectAsync(port);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);

        var bodies = new SortedDictionary<uint, byte[]>();
        var inbox = (MailKit.Net.Imap.ImapFolder)client.Inbox;
        // One FETCH for all 60 bodies: about 180 KB, which the server writes in pieces of about 8 KB.
        await inbox.GetStreamsAsync(Enumerable.Range(1, 60).Select(i => new UniqueId((uint)i)).ToList(), async (_, _, uid, stream, cancel) =>
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy, cancel);
            bodies[uid.Id] = copy.ToArray();
        });
        var all = await client.Inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope | MessageSummaryItems.UniqueId);

        Assert.Equal(Enumerable.Range(0, 60).Select(i => $"m{i}"), all.Select(s => s.Envelope!.Subject));
        Assert.Equal(60, bodies.Count);
        foreach (var (uid, body) in bodies) Assert.Equal(Stored("INBOX", uid), body);
    }
}
