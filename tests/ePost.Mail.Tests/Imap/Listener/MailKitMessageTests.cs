using System.Text;
using MailKit;
using MailKit.Search;
using MimeKit;

namespace ePost.Mail.Tests.Imap.Listener;

/// <summary>Messages with MailKit over real sockets: append, byte-exact fetches, search, flags, copy, move, expunge.</summary>
public sealed class MailKitMessageTests : ImapListenerFixture
{
    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    [Fact]
    public async Task MailKit_resynchronises_with_qresync_after_changes_and_expunges_made_while_it_was_offline()
    {
        for (int i = 1; i <= 4; i++) Deliver("INBOX", $"From: bob@ring.test\r\nSubject: m{i}\r\n\r\nBody {i}\r\n");
        var port = await StartAsync(Factory());

        // First visit: the client caches UIDVALIDITY, HIGHESTMODSEQ and the UIDs, then goes away.
        uint uidValidity;
        ulong highestModSeq;
        IList<UniqueId> known;
        using (var first = await ConnectAsync(port))
        {
            await first.EnableQuickResyncAsync();
            await first.Inbox.OpenAsync(FolderAccess.ReadWrite);
            uidValidity = first.Inbox.UidValidity;
            highestModSeq = first.Inbox.HighestModSeq;
            known = await first.Inbox.SearchAsync(SearchQuery.All);
            await first.DisconnectAsync(quit: true);
        }

        // Meanwhile another client reads one message, deletes two, and new mail arrives.
        using (var other = await ConnectAsync(port))
        {
            await other.Inbox.OpenAsync(FolderAccess.ReadWrite);
            await other.Inbox.AddFlagsAsync(known[0], MessageFlags.Seen, silent: true);
            await other.Inbox.AddFlagsAsync([known[1], known[2]], MessageFlags.Deleted, silent: true);
            await other.Inbox.ExpungeAsync();
            await other.DisconnectAsync(quit: true);
        }
        Deliver("INBOX", "From: bob@ring.test\r\nSubject: m5\r\n\r\nBody 5\r\n");

        using var client = await ConnectAsync(port);
        await client.EnableQuickResyncAsync();
        var vanished = new List<UniqueId>();
        var flagged = new List<(UniqueId? Uid, MessageFlags Flags)>();
        client.Inbox.MessagesVanished += (_, e) => vanished.AddRange(e.UniqueIds);
        client.Inbox.MessageFlagsChanged += (_, e) => flagged.Add((e.UniqueId, e.Flags));
        await client.Inbox.OpenAsync(FolderAccess.ReadWrite, uidValidity, highestModSeq, known);

        Assert.Equal([known[1], known[2]], vanished.Order());
        Assert.Contains(flagged, f => f.Uid == known[0] && f.Flags.HasFlag(MessageFlags.Seen));
        Assert.Equal(3, client.Inbox.Count);
        Assert.True(client.Inbox.HighestModSeq > highestModSeq);

        // Selected with QRESYNC, an expunge elsewhere arrives as VANISHED.
        vanished.Clear();
        await Store.ExpungeAsync(Alice, "INBOX", [known[3].Id], CancellationToken.None);
        await client.NoOpAsync();
        Assert.Equal([known[3]], vanished);
        Assert.Equal(2, client.Inbox.Count);
        await client.DisconnectAsync(quit: true);
    }

    [Fact]
    public async Task MailKit_compresses_with_deflate_over_tls_and_large_messages_survive_both_ways()
    {
        var port = await StartAsync(Factory());
        using var client = await ConnectAsync(port);
        Assert.True(client.Capabilities.HasFlag(MailKit.Net.Imap.ImapCapabilities.Compress));
        await client.CompressAsync();

        // Big enough to span many deflate blocks and reads in both directions, with incompressible parts too.
        var random = new Random(7);
        var noise = Convert.ToBase64String(Enumerable.Range(0, 200_000).Select(_ => (byte)random.Next(256)).ToArray());
        var text = "From: alice@ring.test\r\nSubject: big\r\n\r\n" + string.Concat(Enumerable.Range(0, 2000).Select(i => $"line {i}\r\n")) +
            string.Join("\r\n", noise.Chunk(76).Select(c => new string(c))) + "\r\n";
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite);
        var uid = (await inbox.AppendAsync(new AppendRequest(MimeMessage.Load(new MemoryStream(Bytes(text))))))!.Value;
        var stored = Stored("INBOX", uid.Id);
        Assert.Equal(stored, await ReadAllAsync(await inbox.GetStreamAsync(uid)));
        var folders = await client.GetFoldersAsync(client.PersonalNamespaces[0]);
        Assert.Contains(folders, f => f.FullName == "INBOX");
        await client.NoOpAsync();
        await client.DisconnectAsync(quit: true);
    }

    [Fact]
    public async Task MailKit_asks_for_previews_with_the_preview_extension()
    {
        Deliver("INBOX", "From: bob@ring.test\r\nSubject: html\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Gr\u00fc\u00dfe <i>aus</i>\r\nBerlin</p>\r\n");
        var port = await StartAsync(Factory());
        var log = new MemoryStream();
        using var client = new MailKit.Net.Imap.ImapClient(new ProtocolLogger(log, leaveOpen: true)) { ServerCertificateValidationCallback = (_, certificate, _, _) => IsOurCertificate(certificate) };
        await client.ConnectAsync("localhost", port, MailKit.Security.SecureSocketOptions.StartTls);
        await client.AuthenticateAsync("alice", "secret");
        Assert.True(client.Capabilities.HasFlag(MailKit.Net.Imap.ImapCapabilities.Preview));
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);

        var summary = Assert.Single(await client.Inbox.FetchAsync(0, -1, MessageSummaryItems.PreviewText));
        Assert.Equal("Gr\u00fc\u00dfe aus Berlin", summary.PreviewText);
        await client.DisconnectAsync(quit: true);
        Assert.Contains("PREVIEW", Encoding.UTF8.GetString(log.ToArray()).Split('\n').Single(l => l.Contains(" FETCH ") && l.StartsWith("C: ")));
    }

    [Fact]
    public async Task MailKit_appends_and_fetches_headers_bodies_parts_and_partials_byte_exactly()
    {
        var port = await StartAsync(Factory());
        using var client = await ConnectAsync(port);
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite);
        var appended = await inbox.AppendAsync(new AppendRequest(MimeMessage.Load(new MemoryStream(Bytes(Report)))) { Flags = MessageFlags.Draft });
        Assert.NotNull(appended);
        var uid = appended.Value;
        var stored = Stored("INBOX", uid.Id);

        var summary = Assert.Single(await inbox.FetchAsync([uid],
            MessageSummaryItems.Envelope | MessageSummaryItems.Flags | MessageSummaryItems.Size | MessageSummaryItems.BodyStructure | MessageSummaryItems.InternalDate));
        Assert.Equal("Report äöü", summary.Envelope!.Subject);
        Assert.Equal("<r1@ring.test>", "<" + summary.Envelope.MessageId + ">");
        Assert.Equal((uint)stored.Length, summary.Size);
        Assert.True(summary.Flags!.Value.HasFlag(MessageFlags.Draft));
        var multipart = Assert.IsType<BodyPartMultipart>(summary.Body);
        Assert.Equal(2, multipart.BodyParts.Count);
        Assert.Equal("data.bin", ((BodyPartBasic)multipart.BodyParts[1]).FileName);

        Assert.Equal(stored, await ReadAllAsync(await inbox.GetStreamAsync(uid)));
        Assert.Equal("Quarterly numbers attached."u8.ToArray(), await ReadAllAsync(await inbox.GetStreamAsync(uid, "1")));
        Assert.Equal(stored.AsSpan(10, 25).ToArray(), await ReadAllAsync(await inbox.GetStreamAsync(uid, 10, 25)));
        Assert.Equal("AAECAwQFBgcICQ=="u8.ToArray(), await ReadAllAsync(await inbox.GetStreamAsync(uid, "2")));
        var header = await ReadAllAsync(await inbox.GetStreamAsync(uid, "HEADER"));
        Assert.Equal(stored.AsSpan(0, Report.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4).ToArray(), header);

        var attachment = (MimePart)await inbox.GetBodyPartAsync(uid, multipart.BodyParts[1]);
        using var decoded = new MemoryStream();
        await attachment.Content!.DecodeToAsync(decoded);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (byte)i), decoded.ToArray());
        var headers = await inbox.GetHeadersAsync(uid);
        Assert.Equal("Bob <bob@ring.test>", headers![HeaderId.To]);
        var message = await inbox.GetMessageAsync(uid);
        Assert.Equal("Quarterly numbers attached.", message.TextBody!.TrimEnd());
        await client.DisconnectAsync(quit: true);
    }

    [Fact]
    public async Task MailKit_searches_by_header_date_size_flags_and_text()
    {
        Deliver("INBOX", Report);
        Deliver("INBOX", "From: carol@example.org\r\nSubject: lunch\r\nDate: Fri, 10 Jan 2025 12:00:00 +0000\r\n\r\nPizza at noon?\r\n");
        Deliver("INBOX", "From: dave@example.org\r\nSubject: big\r\nDate: Sat, 11 Jan 2025 12:00:00 +0000\r\n\r\n" + new string('x', 5000) + "\r\n");
        var port = await StartAsync(Factory());
        using var client = await ConnectAsync(port);
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite);
        await inbox.AddFlagsAsync(new UniqueId(2), MessageFlags.Flagged, silent: true);

        async Task<uint[]> Search(SearchQuery query) => (await inbox.SearchAsync(query)).Select(u => u.Id).ToArray();

        Assert.Equal(new uint[] { 1u }, await Search(SearchQuery.SubjectContains("Report")));
        Assert.Equal(new uint[] { 1u }, await Search(SearchQuery.SubjectContains("äöü")));
        Assert.Equal(new uint[] { 2u }, await Search(SearchQuery.BodyContains("PIZZA")));
        Assert.Equal(new uint[] { 2u }, await Search(SearchQuery.FromContains("carol")));
        Assert.Equal(new uint[] { 1u }, await Search(SearchQuery.HeaderContains("Message-ID", "r1@ring")));
        Assert.Equal(new uint[] { 2u, 3u }, await Search(SearchQuery.SentSince(new DateTime(2025, 1, 10))));
        Assert.Equal(new uint[] { 1u }, await Search(SearchQuery.SentBefore(new DateTime(2025, 1, 7))));
        Assert.Equal(new uint[] { 3u }, await Search(SearchQuery.LargerThan(4000)));
        Assert.Equal(new uint[] { 2u }, await Search(SearchQuery.Flagged));
        Assert.Equal(new uint[] { 1u, 3u }, await Search(SearchQuery.NotFlagged));
        Assert.Equal(new uint[] { 2u }, await Search(SearchQuery.BodyContains("pizza")));
        Assert.Equal(new uint[] { 1u, 2u }, await Search(SearchQuery.Or(SearchQuery.BodyContains("Quarterly"), SearchQuery.SubjectContains("lunch"))));
        Assert.Equal(new uint[] { 3u }, await Search(SearchQuery.Uids([new UniqueId(3)])));
        await client.DisconnectAsync(quit: true);
    }

    [Fact]
    public async Task MailKit_stores_flags_copies_moves_and_expunges()
    {
        for (int i = 1; i <= 4; i++) Deliver("INBOX", $"Subject: m{i}\r\n\r\nbody {i}\r\n");
        var port = await StartAsync(Factory());
        using var client = await ConnectAsync(port);
        var archive = (await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync("Archive", true))!;
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite);

        await inbox.AddFlagsAsync(new UniqueId(1), MessageFlags.Seen | MessageFlags.Answered, silent: false);
        await inbox.StoreAsync(new UniqueId(1), new StoreFlagsRequest(StoreAction.Add, ["$Work"]) { Silent = true });
        await inbox.RemoveFlagsAsync(new UniqueId(1), MessageFlags.Answered, silent: true);
        var flags = Assert.Single(await inbox.FetchAsync([new UniqueId(1)], MessageSummaryItems.Flags));
        Assert.Equal(MessageFlags.Seen, flags.Flags!.Value & ~MessageFlags.Recent);
        Assert.Contains("$Work", flags.Keywords);

        var copied = await inbox.CopyToAsync([new UniqueId(1), new UniqueId(2)], archive);
        Assert.Equal([1u, 2u], copied.Destination.Select(u => u.Id));
        var moved = await inbox.MoveToAsync([new UniqueId(3)], archive);
        Assert.Equal([3u], moved.Destination.Select(u => u.Id));
        Assert.Equal(3, inbox.Count);

        await inbox.AddFlagsAsync(new UniqueId(4), MessageFlags.Deleted, silent: true);
        await inbox.ExpungeAsync();
        Assert.Equal(2, inbox.Count);
        Assert.Equal([1u, 2u], (await inbox.SearchAsync(SearchQuery.All)).Select(u => u.Id));

        await archive.OpenAsync(FolderAccess.ReadOnly);
        var archived = await archive.FetchAsync(0, -1, MessageSummaryItems.Envelope | MessageSummaryItems.Flags);
        Assert.Equal(["m1", "m2", "m3"], archived.Select(m => m.Envelope!.Subject));
        Assert.True(archived[0].Flags!.Value.HasFlag(MessageFlags.Seen), "COPY keeps flags");
        await client.DisconnectAsync(quit: true);
    }

    /// <summary>
    /// MailKit 4.18 reads the BINARY capability but never fetches with BINARY (GetStream asks BODY.PEEK[]), and it fails
    /// on a literal8 in a BODY response: this pins that stored bytes with NUL stay a plain literal there.
    /// </summary>
    [Fact]
    public async Task MailKit_sees_binary_advertised_and_reads_a_body_with_nul_bytes_byte_for_byte()
    {
        const string raw = "From: bob@ring.test\r\nSubject: nul\r\nContent-Type: application/octet-stream\r\n" +
            "Content-Transfer-Encoding: binary\r\n\r\nx\0y\0z";
        Deliver("INBOX", raw);
        var port = await StartAsync(Factory());
        using var client = await ConnectAsync(port);
        Assert.True(client.Capabilities.HasFlag(MailKit.Net.Imap.ImapCapabilities.Binary));
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);

        await using (var stream = await client.Inbox.GetStreamAsync(0))
            Assert.Equal(Encoding.ASCII.GetBytes(raw), await ReadAllAsync(stream));
        var body = Assert.IsType<MimePart>((await client.Inbox.GetMessageAsync(0)).Body);
        using var decoded = new MemoryStream();
        await body.Content!.DecodeToAsync(decoded);
        Assert.Equal("x\0y\0z"u8.ToArray(), decoded.ToArray());
        await client.DisconnectAsync(quit: true);
    }
}
