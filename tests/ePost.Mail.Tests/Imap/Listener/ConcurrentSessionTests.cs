using MailKit;
using MailKit.Search;
using MimeKit;

namespace ePost.Mail.Tests.Imap.Listener;

/// <summary>Several clients on one folder over real sockets: each sees the others' changes; IDLE is pushed new mail.</summary>
public sealed class ConcurrentSessionTests : ImapListenerFixture
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Two_sessions_on_one_folder_see_each_others_changes()
    {
        Deliver("INBOX", "Subject: one\r\n\r\n1\r\n");
        Deliver("INBOX", "Subject: two\r\n\r\n2\r\n");
        var port = await StartAsync(Factory());
        using var first = await ConnectAsync(port);
        using var second = await ConnectAsync(port);
        await first.Inbox.OpenAsync(FolderAccess.ReadWrite);
        await second.Inbox.OpenAsync(FolderAccess.ReadWrite);
        var flagged = new List<int>();
        var expunged = new List<int>();
        second.Inbox.MessageFlagsChanged += (_, e) => flagged.Add(e.Index);
        second.Inbox.MessageExpunged += (_, e) => expunged.Add(e.Index);

        await first.Inbox.AddFlagsAsync(new UniqueId(1), MessageFlags.Flagged, silent: true);
        await first.Inbox.AddFlagsAsync(new UniqueId(2), MessageFlags.Deleted, silent: true);
        await first.Inbox.ExpungeAsync();
        await first.Inbox.AppendAsync(new AppendRequest(new MimeMessage { Subject = "three" }));
        await second.NoOpAsync();

        Assert.Equal([0], flagged);
        Assert.Equal([1], expunged);
        Assert.Equal(2, second.Inbox.Count);
        Assert.Equal([1u], (await second.Inbox.SearchAsync(SearchQuery.Flagged)).Select(u => u.Id));
        var subjects = await second.Inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope);
        Assert.Equal(["one", "three"], subjects.Select(s => s.Envelope!.Subject));
    }

    [Fact]
    public async Task Idle_receives_a_message_appended_by_another_session()
    {
        var port = await StartAsync(Factory());
        using var idler = await ConnectAsync(port);
        await idler.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var arrived = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        idler.Inbox.CountChanged += (_, _) => arrived.TrySetResult(idler.Inbox.Count);
        using var done = new CancellationTokenSource();
        var idle = idler.IdleAsync(done.Token);

        using var other = await ConnectAsync(port);
        await other.Inbox.AppendAsync(new AppendRequest(new MimeMessage { Subject = "while you idle" }));

        Assert.Equal(1, await arrived.Task.WaitAsync(Patience));
        done.Cancel();
        await idle.WaitAsync(Patience);
        var summary = Assert.Single(await idler.Inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope));
        Assert.Equal("while you idle", summary.Envelope!.Subject);
    }

    [Fact]
    public async Task A_session_already_idling_is_pushed_mail_the_moment_it_is_filed()
    {
        var port = await StartAsync(Factory());
        using var client = await ConnectRawAsync(port);
        await client.ReadUntilAsync("* OK");
        await client.SendAsync("a1 LOGIN alice secret\r\na2 SELECT INBOX\r\n");
        await client.ReadUntilAsync("a2 OK");
        await client.SendAsync("a3 IDLE\r\n");
        Assert.Equal("+ idling", await client.ReadLineAsync());

        Deliver("INBOX", "Subject: pushed\r\n\r\nnow\r\n");

        Assert.Equal("* 1 EXISTS", await client.ReadLineAsync());
        Assert.Equal("* 1 RECENT", await client.ReadLineAsync());
        await client.SendAsync("DONE\r\n");
        Assert.Equal("a3 OK IDLE terminated", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Recent_belongs_to_the_first_session_told_of_a_message()
    {
        var port = await StartAsync(Factory());
        using var first = await ConnectAsync(port);
        using var second = await ConnectAsync(port);
        await first.Inbox.OpenAsync(FolderAccess.ReadWrite);
        await second.Inbox.OpenAsync(FolderAccess.ReadWrite);
        Deliver("INBOX", "Subject: new\r\n\r\nx\r\n");

        await first.NoOpAsync();
        await second.NoOpAsync();

        Assert.Equal(1, first.Inbox.Recent);
        Assert.Equal(0, second.Inbox.Recent);
    }
}
