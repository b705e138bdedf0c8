using System.Net.Sockets;
using Akka.Actor;
using ePost.Mail.Sessions;
using ePost.Mail.Smtp;
using ePost.Mail.Spool;
using ePost.Mail.Tests.Fixtures;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ePost.Mail.Tests.Smtp;

/// <summary>SMTP over real loopback sockets: MailKit as the client, the real FileSpool, virtual time for timers.</summary>
public sealed class SmtpListenerTests : ListenerFixture
{
    private readonly InMemoryUserDirectory directory = InMemoryUserDirectory.Standard();

    private FileSpool Spool => new(Path.Combine(DataDirectory, "spool"));

    private SmtpSessionFactory Factory(SmtpSettings? settings = null, LoginThrottleSettings? throttle = null) =>
        new(settings ?? SmtpSettings.Default("localhost"), directory, Spool, new LoginThrottle(throttle ?? LoginThrottleSettings.Default, Scheduler), Scheduler);

    private static MimeMessage Message() => new(
        [new MailboxAddress("Alice", "alice@ring.test")], [new MailboxAddress("Bob", "bob@ring.test")], "Hello",
        new TextPart("plain") { Text = "Hi Bob,\n.\nthis line after a lone dot is still text.\n" });

    private async Task SendAsync(int port, SecureSocketOptions security)
    {
        using var client = new SmtpClient { ServerCertificateValidationCallback = (_, certificate, _, _) => IsOurCertificate(certificate) };
        await client.ConnectAsync("localhost", port, security);
        Assert.True(client.IsSecure);
        await client.AuthenticateAsync("alice", "secret");
        await client.SendAsync(Message());
        await client.DisconnectAsync(quit: true);
    }

    [Fact]
    public async Task MailKit_submits_over_starttls_and_the_message_is_durably_spooled()
    {
        var port = await StartAsync(Factory());
        await SendAsync(port, SecureSocketOptions.StartTls);

        var pending = Assert.Single(new FileSpool(Path.Combine(DataDirectory, "spool")).ListPending());
        Assert.Equal("alice@ring.test", pending.Envelope.Sender);
        Assert.Equal(["bob@ring.test"], pending.Envelope.Recipients);
        var stored = MimeMessage.Load(new MemoryStream(Spool.Read(pending)));
        Assert.Equal("Hello", stored.Subject);
        Assert.Contains("\n.\nthis line after a lone dot", stored.TextBody!.Replace("\r\n", "\n"));
        Assert.Contains("with ESMTPSA", stored.Headers[HeaderId.Received]);
    }

    [Theory]
    [InlineData("Mallory <mallory@ring.test>")]
    [InlineData("Alice <alice@ring.test>, Mallory <mallory@ring.test>")]
    [InlineData("bob@ring.test")]
    public async Task A_submission_whose_From_header_the_login_does_not_own_is_refused_with_553_and_not_spooled(string from)
    {
        var port = await StartAsync(Factory());
        using var client = new SmtpClient { ServerCertificateValidationCallback = (_, certificate, _, _) => IsOurCertificate(certificate) };
        await client.ConnectAsync("localhost", port, SecureSocketOptions.StartTls);
        await client.AuthenticateAsync("alice", "secret");
        var forged = Message();
        forged.From.Clear();
        forged.From.AddRange(InternetAddressList.Parse(from));
        // The envelope is alice's own: only the header lies.
        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() =>
            client.SendAsync(forged, MailboxAddress.Parse("alice@ring.test"), [MailboxAddress.Parse("bob@ring.test")]));
        Assert.Equal(SmtpStatusCode.MailboxNameNotAllowed, refused.StatusCode);
        Assert.Contains("5.7.1", refused.Message);
        Assert.Contains("not owned by user alice", refused.Message);
        Assert.Empty(Spool.ListPending());

        // The session goes on, and a message whose From: is the user's own (in any case) is taken.
        var own = Message();
        own.From.Clear();
        own.From.Add(new MailboxAddress("Alice", "Alice@Ring.Test"));
        await client.SendAsync(own);
        Assert.Single(Spool.ListPending());
        await client.DisconnectAsync(quit: true);
    }

    [Fact]
    public async Task A_chunked_message_over_tls_arrives_byte_for_byte_however_the_chunks_are_cut_into_writes()
    {
        var port = await StartAsync(Factory());
        using var client = await ConnectRawAsync(port);
        await client.ReadUntilAsync("220 ");
        await client.SendAsync("EHLO raw.example\r\n");
        Assert.Contains("250-CHUNKING", await client.ReadUntilAsync("250 "));
        await client.SendAsync("STARTTLS\r\n");
        await client.ReadLineAsync();
        await client.UpgradeAsync();
        await client.SendAsync("EHLO raw.example\r\nAUTH PLAIN AGFsaWNlAHNlY3JldA==\r\nMAIL FROM:<alice@ring.test>\r\nRCPT TO:<bob@ring.test>\r\n");
        await client.ReadUntilAsync("250 ");
        Assert.StartsWith("235 ", await client.ReadLineAsync());
        Assert.Equal("250 2.1.0 Ok", await client.ReadLineAsync());
        Assert.Equal("250 2.1.5 Ok", await client.ReadLineAsync());

        // 300 KB in three chunks, each written in odd-sized pieces, with lines DATA would have to dot-stuff.
        var message = "Subject: chunked\r\n\r\n" + string.Concat(Enumerable.Range(0, 9000).Select(i => $".line {i} of the message\r\n"));
        var bytes = System.Text.Encoding.ASCII.GetBytes(message);
        var cuts = new[] { 0, 100_001, 200_003, bytes.Length };
        for (var c = 0; c < 3; c++)
        {
            var chunk = bytes[cuts[c]..cuts[c + 1]];
            var header = $"BDAT {chunk.Length}{(c == 2 ? " LAST" : "")}\r\n";
            await client.SendAsync(header + System.Text.Encoding.ASCII.GetString(chunk[..7]));
            for (var at = 7; at < chunk.Length; at += 4093)
                await client.SendAsync(System.Text.Encoding.ASCII.GetString(chunk[at..Math.Min(chunk.Length, at + 4093)]));
            if (c < 2) Assert.Equal($"250 2.0.0 {chunk.Length} octets received", await client.ReadLineAsync());
        }
        Assert.StartsWith("250 2.0.0 Ok: queued as ", await client.ReadLineAsync());

        var pending = Assert.Single(Spool.ListPending());
        var stored = Spool.Read(pending);
        Assert.EndsWith(message, System.Text.Encoding.ASCII.GetString(stored));
        Assert.Contains("with ESMTPSA", System.Text.Encoding.ASCII.GetString(stored));
    }

    [Fact]
    public async Task MailKit_submits_over_implicit_tls()
    {
        var port = await StartAsync(Factory(), implicitTls: true);
        await SendAsync(port, SecureSocketOptions.SslOnConnect);
        Assert.Single(Spool.ListPending());
    }

    [Fact]
    public async Task Commands_pipelined_after_starttls_are_not_executed()
    {
        var port = await StartAsync(Factory());
        using var client = await ConnectRawAsync(port);
        await client.ReadUntilAsync("220 ");
        await client.SendAsync("EHLO raw.example\r\n");
        await client.ReadUntilAsync("250 ");
        await client.SendAsync("STARTTLS\r\nNOOP\r\n");
        Assert.Equal("220 2.0.0 Ready to start TLS", await client.ReadLineAsync());
        await client.UpgradeAsync();
        await client.SendAsync("EHLO raw.example\r\n");
        // Had the NOOP survived the handshake, its "250 2.0.0 Ok" would come first.
        Assert.Equal("250-localhost Hello raw.example", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Connections_beyond_the_per_address_limit_are_refused()
    {
        var port = await StartAsync(Factory(), maxPerAddress: 1);
        using var first = await ConnectRawAsync(port);
        Assert.StartsWith("220 ", await first.ReadLineAsync());
        using var second = await ConnectRawAsync(port);
        Assert.Equal("421 4.7.0 localhost Too many connections from your address", await second.ReadLineAsync());
        Assert.Null(await second.ReadLineAsync());
    }

    [Fact]
    public async Task An_idle_connection_is_closed_when_virtual_time_passes_the_timeout()
    {
        var port = await StartAsync(Factory(), idle: TimeSpan.FromMinutes(5));
        using var client = await ConnectRawAsync(port);
        await client.ReadUntilAsync("220 ");
        Scheduler.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal("421 4.4.2 localhost Idle timeout, closing connection", await client.ReadLineAsync());
        Assert.Null(await client.ReadLineAsync());
    }

    [Fact]
    public async Task A_failed_login_is_answered_only_after_the_scheduled_delay()
    {
        var port = await StartAsync(Factory());
        using var client = await ConnectRawAsync(port);
        await client.ReadUntilAsync("220 ");
        await client.SendAsync("EHLO raw.example\r\n");
        await client.ReadUntilAsync("250 ");
        await client.SendAsync("AUTH PLAIN AGFsaWNlAHdyb25n\r\n");
        var reply = client.BeginReadLine();
        // Without virtual time passing, the reply must not come (it would within microseconds if it were not held).
        await Task.WhenAny(reply, Task.Delay(TimeSpan.FromMilliseconds(300)));
        Assert.False(reply.IsCompleted);
        AwaitCondition(() =>
        {
            Scheduler.Advance(TimeSpan.FromSeconds(1));
            return reply.IsCompleted;
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20));
        Assert.Equal("535 5.7.8 Authentication credentials invalid", await reply);
    }
}
