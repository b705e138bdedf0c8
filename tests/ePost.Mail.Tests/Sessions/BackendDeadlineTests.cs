using System.Text;
using ePost.Mail.Backend;
using ePost.Mail.Imap;
using ePost.Mail.Pop3;
using ePost.Mail.Sessions;
using ePost.Mail.Smtp;
using ePost.Mail.Tests.Fixtures;

namespace ePost.Mail.Tests.Sessions;

/// <summary>
/// Every IMAP, POP3 and SMTP command is answered within the backend deadline when the layer behind the sessions hangs
/// (as a node's POST layer does when its actors have stopped), the session stays usable, and the next command works once
/// the layer is back. Real sockets; the deadline runs on virtual time, advanced only once a call is waiting.
/// </summary>
public sealed class BackendDeadlineTests : ListenerFixture
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);
    private static readonly MailUser Alice = new("alice", "alice@ring.test");
    private readonly HungLayer layer = new();
    private readonly InMemoryMailStore store = new();

    private BackendDeadline NewDeadline() => new(Deadline, Scheduler);

    private LoginThrottle Throttle() => new(LoginThrottleSettings.Default, Scheduler);

    /// <summary>Lets the deadline of the call now waiting in the hung layer pass.</summary>
    private async Task DeadlinePassesAsync()
    {
        await layer.EnteredAsync();
        Scheduler.Advance(Deadline);
    }

    /// <summary>The layer is back and the fail-fast period after a missed deadline is over.</summary>
    private void LayerRecovers()
    {
        layer.Recover();
        Scheduler.Advance(Deadline);
    }

    [Fact]
    public async Task Imap_select_and_fetch_get_no_unavailable_and_the_session_goes_on()
    {
        store.Deliver(Alice, "INBOX", "Subject: one\r\n\r\nbody\r\n");
        var deadline = NewDeadline();
        var port = await StartAsync(new ImapSessionFactory(new ImapSettings("localhost"), InMemoryUserDirectory.Standard(),
            new DeadlineMailStore(new HungMailStore(store, layer), deadline), Throttle(), Scheduler));
        using var client = await ConnectRawAsync(port);
        await client.ReadLineAsync();
        await client.SendAsync("a LOGIN alice secret\r\n");
        await client.ReadUntilAsync("a ");

        layer.Hang();
        await client.SendAsync("b SELECT INBOX\r\n");
        await DeadlinePassesAsync();
        Assert.Equal("b NO [UNAVAILABLE] The mail store did not answer within 5 s; try again later.", await client.ReadLineAsync());
        await client.SendAsync("c NOOP\r\n");
        Assert.Equal("c OK NOOP completed", await client.ReadLineAsync());

        LayerRecovers();
        await client.SendAsync("d SELECT INBOX\r\n");
        var selected = await client.ReadUntilAsync("d ");
        Assert.Contains("* 1 EXISTS", selected);
        Assert.StartsWith("d OK [READ-WRITE]", selected[^1]);

        layer.Hang();
        await client.SendAsync("e FETCH 1 BODY.PEEK[]\r\n");
        await DeadlinePassesAsync();
        Assert.Equal("e NO [UNAVAILABLE] The mail store did not answer within 5 s; try again later.", await client.ReadLineAsync());
        // Right behind a missed deadline the same mailbox fails at once instead of making the client wait again.
        await client.SendAsync("f FETCH 1 BODY.PEEK[]\r\n");
        Assert.StartsWith("f NO [UNAVAILABLE] The mail store did not answer within 5 s a moment ago", await client.ReadLineAsync());

        LayerRecovers();
        await client.SendAsync("g FETCH 1 BODY.PEEK[]\r\n");
        var fetched = await client.ReadUntilAsync("g ");
        Assert.Contains(fetched, l => l.StartsWith("* 1 FETCH", StringComparison.Ordinal));
        Assert.Equal("g OK FETCH completed", fetched[^1]);
        await client.SendAsync("h LOGOUT\r\n");
        Assert.StartsWith("* BYE", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Pop3_retr_and_login_get_err_sys_temp_and_the_session_goes_on()
    {
        store.Deliver(Alice, "INBOX", "Subject: one\r\n\r\nbody\r\n");
        var deadline = NewDeadline();
        var port = await StartAsync(new Pop3SessionFactory(new Pop3Settings("localhost"), InMemoryUserDirectory.Standard(),
            new MailStoreMailbox(new DeadlineMailStore(new HungMailStore(store, layer), deadline)), Throttle()));
        using var client = await ConnectRawAsync(port);
        await client.ReadLineAsync();

        layer.Hang();
        await client.SendAsync("USER alice\r\nPASS secret\r\n");
        Assert.Equal("+OK Send PASS", await client.ReadLineAsync());
        await DeadlinePassesAsync();
        Assert.Equal("-ERR [SYS/TEMP] The mail store did not answer within 5 s; try again later.", await client.ReadLineAsync());

        LayerRecovers();
        await client.SendAsync("USER alice\r\nPASS secret\r\n");
        Assert.Equal("+OK Send PASS", await client.ReadLineAsync());
        Assert.StartsWith("+OK alice has 1 messages", await client.ReadLineAsync());

        layer.Hang();
        await client.SendAsync("STAT\r\n");
        Assert.StartsWith("+OK 1 ", await client.ReadLineAsync());
        await client.SendAsync("RETR 1\r\n");
        await DeadlinePassesAsync();
        Assert.Equal("-ERR [SYS/TEMP] The mail store did not answer within 5 s; try again later.", await client.ReadLineAsync());
        await client.SendAsync("NOOP\r\n");
        Assert.Equal("+OK", await client.ReadLineAsync());

        LayerRecovers();
        await client.SendAsync("RETR 1\r\n");
        var message = await client.ReadUntilAsync(".");
        Assert.StartsWith("+OK", message[0]);
        Assert.Contains("Subject: one", message);
        await client.SendAsync("QUIT\r\n");
        Assert.StartsWith("+OK", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Smtp_rcpt_and_data_get_451_and_the_session_goes_on()
    {
        var spool = new RecordingSpool();
        var deadline = NewDeadline();
        var port = await StartAsync(new SmtpSessionFactory(SmtpSettings.Default("localhost"),
            new DeadlineUserDirectory(new HungUserDirectory(InMemoryUserDirectory.Standard(), layer), deadline),
            new DeadlineSpool(new HungSpool(spool, layer), deadline), Throttle(), Scheduler));
        using var client = await ConnectRawAsync(port);
        await client.ReadLineAsync();
        var plain = Convert.ToBase64String(Encoding.UTF8.GetBytes("\0alice\0secret"));
        await client.SendAsync($"EHLO client.test\r\nAUTH PLAIN {plain}\r\n");
        await client.ReadUntilAsync("250 ");
        Assert.StartsWith("235 ", await client.ReadLineAsync());

        layer.Hang();
        await client.SendAsync("MAIL FROM:<alice@ring.test>\r\n");
        Assert.StartsWith("250 ", await client.ReadLineAsync());
        await client.SendAsync("RCPT TO:<bob@ring.test>\r\n");
        await DeadlinePassesAsync();
        Assert.StartsWith("451 4.4.3 ", await client.ReadLineAsync());
        await client.SendAsync("NOOP\r\n");
        Assert.StartsWith("250 ", await client.ReadLineAsync());

        LayerRecovers();
        await client.SendAsync("RCPT TO:<bob@ring.test>\r\n");
        Assert.StartsWith("250 ", await client.ReadLineAsync());
        layer.Hang();
        await client.SendAsync("DATA\r\n");
        Assert.StartsWith("354 ", await client.ReadLineAsync());
        await client.SendAsync("Subject: hi\r\n\r\nbody\r\n.\r\n");
        await DeadlinePassesAsync();
        Assert.Equal("451 4.3.0 The mail store did not answer within 5 s; try again later.", await client.ReadLineAsync());
        Assert.Empty(spool.Accepted);

        LayerRecovers();
        await client.SendAsync("MAIL FROM:<alice@ring.test>\r\nRCPT TO:<bob@ring.test>\r\nDATA\r\n");
        Assert.StartsWith("250 ", await client.ReadLineAsync());
        Assert.StartsWith("250 ", await client.ReadLineAsync());
        Assert.StartsWith("354 ", await client.ReadLineAsync());
        await client.SendAsync("Subject: hi\r\n\r\nbody\r\n.\r\n");
        Assert.StartsWith("250 2.0.0 Ok: queued as ", await client.ReadLineAsync());
        await client.SendAsync("QUIT\r\n");
        Assert.StartsWith("221 ", await client.ReadLineAsync());
    }
}
