using System.Diagnostics;
using ePost.Mail.Backend;
using ePost.Mail.Delivery;
using ePost.Mail.Sessions;
using ePost.Mail.Smtp;
using ePost.Mail.Spool;
using ePost.Mail.Tests.Fixtures;

namespace ePost.Mail.Tests.Smtp;

/// <summary>
/// Second opinion from a real SMTP client: swaks (Debian package, installed by .ci/apt-packages) against our listener
/// over loopback sockets, for submission with STARTTLS and implicit TLS, for the gateway's relay refusal, and end to
/// end from submission through the delivery agent to a real SMTP server (aiosmtpd).
/// </summary>
public sealed class SwaksTests : ListenerFixture
{
    private readonly InMemoryUserDirectory directory = InMemoryUserDirectory.Standard();
    private AiosmtpdServer? relay;

    private string SpoolRoot => Path.Combine(DataDirectory, "spool");

    private Task<int> StartSmtpAsync(SmtpSettings settings, FileSpool spool, bool implicitTls = false) =>
        StartAsync(new SmtpSessionFactory(settings, directory, spool, new LoginThrottle(LoginThrottleSettings.Default, Scheduler), Scheduler), implicitTls);

    private static async Task<(int ExitCode, string Output)> SwaksAsync(int port, params string[] args)
    {
        var start = new ProcessStartInfo(DebianProgram.Swaks) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--server", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--ehlo", "swaks.example", "--timeout", "20" }.Concat(args))
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start swaks (is the swaks package installed?)");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await output + await errors);
    }

    private static readonly string[] Submission =
        ["--auth", "PLAIN", "--auth-user", "alice", "--auth-password", "secret", "--from", "alice@ring.test"];

    [Fact]
    public async Task Swaks_submits_with_starttls_and_auth_plain_and_the_message_is_spooled()
    {
        var spool = new FileSpool(SpoolRoot);
        var port = await StartSmtpAsync(SmtpSettings.Default("localhost") with { AllowPlaintextAuthOnLoopback = false }, spool);

        var (exit, output) = await SwaksAsync(port, [.. Submission, "--tls", "--to", "bob@ring.test", "--header", "Subject: from swaks"]);

        Assert.True(exit == 0, output);
        Assert.Contains("<~  235 2.7.0 Authentication successful", output);
        var pending = Assert.Single(spool.ListPending());
        Assert.Equal(["bob@ring.test"], pending.Envelope.Recipients);
        Assert.Equal("alice", pending.Envelope.AuthenticatedUser);
        var text = System.Text.Encoding.UTF8.GetString(spool.Read(pending));
        Assert.Contains("with ESMTPSA", text);
        Assert.Contains("Subject: from swaks", text);
    }

    [Fact]
    public async Task Swaks_submits_over_implicit_tls()
    {
        var spool = new FileSpool(SpoolRoot);
        var port = await StartSmtpAsync(SmtpSettings.Default("localhost"), spool, implicitTls: true);

        var (exit, output) = await SwaksAsync(port, [.. Submission, "--tlsc", "--to", "bob@ring.test"]);

        Assert.True(exit == 0, output);
        Assert.Single(spool.ListPending());
    }

    [Fact]
    public async Task Swaks_finds_the_gateway_closed_to_relaying_and_open_to_ring_users()
    {
        var spool = new FileSpool(SpoolRoot);
        var port = await StartSmtpAsync(new SmtpSettings(SmtpMode.Gateway, "mx.localhost"), spool);

        var (refused, refusal) = await SwaksAsync(port, "--from", "spammer@example.net", "--to", "victim@example.com");
        Assert.True(refused == 24, refusal); // swaks: every recipient refused
        Assert.Contains("<** 550 5.7.1 Relay access denied", refusal);
        Assert.Empty(spool.ListPending());

        var (accepted, output) = await SwaksAsync(port, "--from", "friend@example.net", "--to", "bob@ring.test");
        Assert.True(accepted == 0, output);
        var pending = Assert.Single(spool.ListPending());
        Assert.Null(pending.Envelope.AuthenticatedUser);
    }

    [Fact]
    public async Task Mail_from_the_internet_through_the_gateway_reaches_the_ring_user_through_post()
    {
        var spool = new FileSpool(SpoolRoot);
        var ring = new RecordingRingDelivery();
        Sys.EventStream.Subscribe(TestActor, typeof(DeliveryReport));
        Sys.ActorOf(DeliveryAgent.Props(DeliverySettings.Default with { HostName = "mx.localhost" }, spool, directory, ring));
        var port = await StartSmtpAsync(new SmtpSettings(SmtpMode.Gateway, "mx.localhost"), spool);

        var (exit, output) = await SwaksAsync(port, "--from", "friend@example.net", "--to", "bob@ring.test", "--header", "Subject: hello from outside");
        Assert.True(exit == 0, output);

        Assert.True(ExpectMsg<DeliveryReport>(TimeSpan.FromSeconds(20)).Completed);
        var (sender, message) = Assert.Single(ring.FiledFor("bob@ring.test"));
        Assert.Equal("friend@example.net", sender);
        var text = System.Text.Encoding.UTF8.GetString(message);
        Assert.StartsWith("Received: from swaks.example ([127.0.0.1])\r\n\tby mx.localhost (ePost) with ESMTP;", text);
        Assert.Contains("Subject: hello from outside\r\n", text);
    }

    [Fact]
    public async Task Mail_submitted_by_swaks_to_an_outside_address_reaches_the_relay_server()
    {
        relay = await AiosmtpdServer.StartAsync(AiosmtpdServer.FreePort(), Path.Combine(DataDirectory, "relay"));
        var spool = new FileSpool(SpoolRoot);
        Sys.EventStream.Subscribe(TestActor, typeof(DeliveryReport));
        var settings = DeliverySettings.Default with
        {
            HostName = "node.localhost",
            Relay = new RelaySettings("127.0.0.1", relay.Port, RelayTls.None, "", "", TimeSpan.FromSeconds(10)),
        };
        Sys.ActorOf(DeliveryAgent.Props(settings, spool, directory, new RecordingRingDelivery()));
        var port = await StartSmtpAsync(SmtpSettings.Default("localhost"), spool);

        var (exit, output) = await SwaksAsync(port, [.. Submission, "--tls", "--to", "friend@example.org", "--header", "Subject: out into the world"]);
        Assert.True(exit == 0, output);

        var report = ExpectMsg<DeliveryReport>(TimeSpan.FromSeconds(20));
        Assert.True(report.Completed);
        var (from, to, message) = Assert.Single(relay.Received());
        Assert.Equal("alice@ring.test", from);
        Assert.Equal(["friend@example.org"], to);
        var text = AiosmtpdServer.Text(message);
        Assert.StartsWith("Received: from swaks.example ([127.0.0.1])\r\n\tby localhost (ePost) with ESMTPSA;", text);
        Assert.Contains("Subject: out into the world\r\n", text);
        Assert.Empty(spool.ListPending());
    }

    /// <inheritdoc />
    protected override void AfterAll()
    {
        relay?.Dispose();
        base.AfterAll();
    }
}
