using ePost.Mail.Delivery;
using ePost.Mail.Dsn;
using ePost.Mail.Tests.Fixtures;

namespace ePost.Mail.Tests.Delivery;

/// <summary>
/// Outbound mail through a real SMTP server started by the test (Debian's python3-aiosmtpd): delivery, retry while the
/// server is down, per-recipient refusals and their bounces.
/// </summary>
public sealed class RelayDeliveryTests : DeliveryFixture
{
    private readonly List<AiosmtpdServer> servers = [];

    private async Task<AiosmtpdServer> StartServerAsync(int? port = null, string? login = null)
    {
        var server = await AiosmtpdServer.StartAsync(port ?? AiosmtpdServer.FreePort(), Path.Combine(Root, "received-" + servers.Count), login);
        servers.Add(server);
        return server;
    }

    [Fact]
    public async Task Mail_to_an_outside_address_reaches_a_real_smtp_server_byte_for_byte()
    {
        var server = await StartServerAsync();
        var text = Letter("alice@ring.test", "friend@example.org");
        var id = await SpoolAsync("alice@ring.test", ["friend@example.org", "other@example.net", "bob@ring.test"], text);
        StartAgent(Settings(server.Port));

        var report = ExpectReport(id);
        Assert.True(report.Completed);
        Assert.All(report.Outcomes, o => Assert.Equal(DeliveryResult.Delivered, o.Result));
        var (from, to, message) = Assert.Single(server.Received());
        Assert.Equal("alice@ring.test", from);
        Assert.Equal(["friend@example.org", "other@example.net"], to);
        Assert.Equal(text, AiosmtpdServer.Text(message));
        Assert.Single(Ring.FiledFor("bob@ring.test")); // the ring user went through POST, not the relay
        Assert.Empty(Spool.ListPending());
    }

    [Fact]
    public async Task Notify_success_to_a_relay_without_dsn_gets_a_relayed_report_and_the_message_goes_out()
    {
        var server = await StartServerAsync();
        var text = Letter("alice@ring.test", "friend@example.org", "tell me");
        var id = await Spool.AcceptAsync(new Backend.SpoolEnvelope("alice@ring.test", ["friend@example.org", "quiet@example.org"], "alice", "127.0.0.1", Scheduler.Now)
        {
            EnvelopeId = "env-9",
            RecipientDsn = new Dictionary<string, RecipientDsn>
            {
                ["friend@example.org"] = new(DsnNotify.Success, "rfc822;friend@example.org"),
                ["quiet@example.org"] = new(DsnNotify.Never, null),
            },
        }, System.Text.Encoding.UTF8.GetBytes(text), CancellationToken.None);
        StartAgent(Settings(server.Port));

        Assert.True(ExpectReport(id).Completed);
        var (_, to, message) = Assert.Single(server.Received());
        Assert.Equal(["friend@example.org", "quiet@example.org"], to);
        Assert.Equal(text, AiosmtpdServer.Text(message));
        // aiosmtpd offers no DSN, so nobody downstream will report: the node says "relayed", for the one that asked.
        var (dsn, recipients) = ParseBounce(Assert.Single(Ring.FiledFor("alice@ring.test")).Message);
        Assert.Equal("Mail Relayed: No Further Reports", dsn.Subject);
        var group = Assert.Single(recipients);
        Assert.Equal(("rfc822; friend@example.org", "relayed", "rfc822; friend@example.org"), (group["Final-Recipient"], group["Action"], group["Original-Recipient"]));
        Assert.Contains("Original-Envelope-Id: env-9", dsn.ToString());
    }

    [Fact]
    public async Task Requiretls_mail_is_bounced_with_5_7_30_and_never_sent_to_a_relay_without_mandatory_tls()
    {
        var server = await StartServerAsync();
        var text = Letter("alice@ring.test", "friend@example.org", "confidential");
        var id = await Spool.AcceptAsync(new Backend.SpoolEnvelope("alice@ring.test", ["friend@example.org"], "alice", "127.0.0.1", Scheduler.Now) { RequireTls = true },
            System.Text.Encoding.UTF8.GetBytes(text), CancellationToken.None);
        StartAgent(Settings(server.Port));

        var report = ExpectReport(id);
        Assert.True(report.Completed);
        var outcome = Assert.Single(report.Outcomes);
        Assert.Equal(DeliveryResult.Permanent, outcome.Result);
        Assert.StartsWith("550 5.7.30 REQUIRETLS support required", outcome.Reply);
        Assert.Empty(server.Received());
        ExpectReport(report.BounceId!);
        var (_, recipients) = ParseBounce(Assert.Single(Ring.FiledFor("alice@ring.test")).Message);
        Assert.Equal("5.7.30", Assert.Single(recipients)["Status"]);
    }

    [Fact]
    public async Task Mail_is_retried_while_the_relay_is_down_and_delivered_once_it_is_up()
    {
        var port = AiosmtpdServer.FreePort();
        var id = await SpoolAsync("alice@ring.test", ["friend@example.org"], Letter("alice@ring.test", "friend@example.org"));
        StartAgent(Settings(port));

        var down = ExpectReport(id);
        Assert.False(down.Completed);
        var outcome = Assert.Single(down.Outcomes);
        Assert.Equal(DeliveryResult.Temporary, outcome.Result);
        Assert.StartsWith($"451 4.4.1 Relay 127.0.0.1:{port} not usable", outcome.Reply);

        var server = await StartServerAsync(port);
        Scheduler.Advance(down.RetryAt!.Value - Scheduler.Now);
        var up = ExpectReport(id);
        Assert.True(up.Completed);
        var (_, to, _) = Assert.Single(server.Received());
        Assert.Equal(["friend@example.org"], to);
        Assert.Empty(Ring.Calls); // no bounce
    }

    [Fact]
    public async Task A_recipient_the_relay_refuses_with_550_is_bounced_and_the_others_are_delivered()
    {
        var server = await StartServerAsync();
        var id = await SpoolAsync("alice@ring.test", ["reject-me@example.org", "friend@example.org"], Letter("alice@ring.test", "friend@example.org", "party"));
        StartAgent(Settings(server.Port));

        var report = ExpectReport(id);
        Assert.True(report.Completed);
        Assert.Equal("550 5.1.1 No such mailbox here", report.Outcomes.Single(o => o.Recipient == "reject-me@example.org").Reply);
        var (_, to, _) = Assert.Single(server.Received());
        Assert.Equal(["friend@example.org"], to);

        ExpectReport(report.BounceId!);
        var (bounce, recipients) = ParseBounce(Assert.Single(Ring.FiledFor("alice@ring.test")).Message);
        var group = Assert.Single(recipients);
        Assert.Equal("rfc822; reject-me@example.org", group["Final-Recipient"]);
        Assert.Equal("5.1.1", group["Status"]);
        Assert.Equal("dns; 127.0.0.1", group["Remote-MTA"]);
        Assert.Equal("smtp; 550 5.1.1 No such mailbox here", group["Diagnostic-Code"]);
        Assert.Contains("Subject: party", bounce.ToString());
    }

    [Fact]
    public async Task A_recipient_the_relay_defers_with_451_is_retried_alone()
    {
        var server = await StartServerAsync();
        var id = await SpoolAsync("alice@ring.test", ["later@example.org", "friend@example.org"], Letter("alice@ring.test", "friend@example.org"));
        StartAgent(Settings(server.Port));

        var first = ExpectReport(id);
        Assert.False(first.Completed);
        Assert.Equal("451 4.2.0 Mailbox busy, try again later", first.Outcomes.Single(o => o.Recipient == "later@example.org").Reply);
        Scheduler.Advance(first.RetryAt!.Value - Scheduler.Now);
        var second = ExpectReport(id);
        Assert.Equal(["later@example.org"], second.Outcomes.Select(o => o.Recipient));
        // friend@ got exactly one copy: the retry did not send to a recipient already done.
        Assert.Single(server.Received(), m => m.To.Contains("friend@example.org"));
    }

    [Fact]
    public async Task A_bounce_to_an_outside_sender_leaves_through_the_relay_with_the_null_sender()
    {
        var server = await StartServerAsync();
        // Mail from the Internet accepted by a gateway for a user who has since left the ring.
        var id = await SpoolAsync("someone@example.org", ["gone@ring.test"], Letter("someone@example.org", "gone@ring.test"), user: null);
        StartAgent(Settings(server.Port));

        var report = ExpectReport(id);
        Assert.True(report.Completed);
        Assert.True(ExpectReport(report.BounceId!).Completed);
        var (from, to, message) = Assert.Single(server.Received());
        Assert.Equal("<>", from); // aiosmtpd's spelling of the null reverse path: MAIL FROM:<>
        Assert.Equal(["someone@example.org"], to);
        Assert.Equal("5.1.1", Assert.Single(ParseBounce(message).Recipients)["Status"]);
    }

    [Fact]
    public async Task The_relay_login_is_used_and_a_wrong_one_is_retried_not_bounced()
    {
        var server = await StartServerAsync(login: "node7:s3cret");
        var good = await SpoolAsync("alice@ring.test", ["friend@example.org"], Letter("alice@ring.test", "friend@example.org"));
        var settings = Settings(server.Port);
        var agent = StartAgent(settings with { Relay = settings.Relay with { User = "node7", Password = "wrong" } });

        var refused = ExpectReport(good);
        Assert.False(refused.Completed);
        var outcome = Assert.Single(refused.Outcomes);
        Assert.Equal(DeliveryResult.Temporary, outcome.Result);
        Assert.Contains("535", outcome.Reply);
        Assert.Empty(server.Received());

        // The operator fixes the password; the node restarts with the right one and the retry goes through.
        Watch(agent);
        Sys.Stop(agent);
        ExpectTerminated(agent);
        StartAgent(settings with { Relay = settings.Relay with { User = "node7", Password = "s3cret" } });
        Scheduler.Advance(refused.RetryAt!.Value - Scheduler.Now);
        Assert.True(ExpectReport(good).Completed);
        Assert.Single(server.Received());
    }

    [Fact]
    public async Task A_relay_that_wants_a_login_the_node_lacks_is_a_temporary_failure_not_a_bounce()
    {
        var server = await StartServerAsync(login: "node7:s3cret");
        var id = await SpoolAsync("alice@ring.test", ["friend@example.org"], Letter("alice@ring.test", "friend@example.org"));
        StartAgent(Settings(server.Port));

        var report = ExpectReport(id);
        Assert.False(report.Completed);
        var outcome = Assert.Single(report.Outcomes);
        Assert.Equal(DeliveryResult.Temporary, outcome.Result);
        // MailKit reports the relay's 530 as "not authenticated", which the relay treats like any relay trouble: the
        // operator can fix the login, so it is retried, not bounced.
        Assert.EndsWith("not usable: 5.7.0 Authentication required", outcome.Reply);
        Assert.Null(report.BounceId);
    }

    [Fact]
    public async Task Required_starttls_is_never_downgraded_to_plain_text()
    {
        var server = await StartServerAsync();
        var id = await SpoolAsync("alice@ring.test", ["friend@example.org"], Letter("alice@ring.test", "friend@example.org"));
        var settings = Settings(server.Port);
        StartAgent(settings with { Relay = settings.Relay with { Tls = RelayTls.StartTls } });

        var report = ExpectReport(id);
        Assert.False(report.Completed);
        var outcome = Assert.Single(report.Outcomes);
        Assert.Equal(DeliveryResult.Temporary, outcome.Result);
        Assert.Contains("STARTTLS", outcome.Reply);
        Assert.Empty(server.Received());
    }

    /// <inheritdoc />
    protected override void AfterAll()
    {
        foreach (var server in servers) server.Dispose();
        base.AfterAll();
    }
}
