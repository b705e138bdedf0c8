using System.Text;
using ePost.Mail.Backend;
using ePost.Mail.Delivery;
using ePost.Mail.Spool;

namespace ePost.Mail.Tests.Delivery;

/// <summary>The delivery agent towards ring users (through POST): delivery ids, retries, bounces, give-up.</summary>
public sealed class RingDeliveryTests : DeliveryFixture
{
    [Fact]
    public async Task Local_and_ring_users_get_the_spooled_bytes_through_post_and_the_message_leaves_the_spool()
    {
        var text = Letter("alice@ring.test", "bob@ring.test");
        var id = await SpoolAsync("alice@ring.test", ["bob@ring.test", "alice@ring.test"], text);
        StartAgent();

        var report = ExpectReport(id);
        Assert.True(report.Completed);
        Assert.All(report.Outcomes, o => Assert.Equal(DeliveryResult.Delivered, o.Result));
        foreach (var recipient in new[] { "bob@ring.test", "alice@ring.test" })
        {
            var (sender, message) = Assert.Single(Ring.FiledFor(recipient));
            Assert.Equal("alice@ring.test", sender);
            Assert.Equal(text, Encoding.UTF8.GetString(message));
            Assert.Contains((DeliveryAttempt.DeliveryId(id, recipient), recipient), Ring.Calls);
        }
        Assert.Empty(Spool.ListPending());
        Assert.Empty(System.IO.Directory.GetFiles(Path.Combine(Spool.Root, "messages")));
    }

    [Fact]
    public async Task No_more_messages_than_max_concurrent_are_in_delivery_at_once()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Ring.Hold = gate.Task;
        var ids = new List<string>();
        for (var i = 0; i < 3; i++) ids.Add(await SpoolAsync("alice@ring.test", ["bob@ring.test"], Letter("alice@ring.test", "bob@ring.test", $"m{i}")));
        StartAgent(Settings() with { MaxConcurrent = 2 });

        AwaitCondition(() => Ring.Calls.Count == 2, Patience);
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Equal(2, Ring.Calls.Count);

        gate.SetResult();
        foreach (var id in ids) Assert.True(ExpectReport(id).Completed);
        Assert.Equal(3, Ring.FiledFor("bob@ring.test").Count);
    }

    [Fact]
    public void Delivery_ids_depend_on_message_and_recipient_only()
    {
        Assert.Equal(DeliveryAttempt.DeliveryId("20250102030405-00", "Bob@Ring.test"), DeliveryAttempt.DeliveryId("20250102030405-00", "bob@ring.test"));
        Assert.NotEqual(DeliveryAttempt.DeliveryId("20250102030405-00", "bob@ring.test"), DeliveryAttempt.DeliveryId("20250102030405-01", "bob@ring.test"));
        Assert.NotEqual(DeliveryAttempt.DeliveryId("20250102030405-00", "bob@ring.test"), DeliveryAttempt.DeliveryId("20250102030405-00", "alice@ring.test"));
    }

    [Fact]
    public async Task An_unknown_ring_user_is_bounced_to_the_sender_with_a_delivery_status_report()
    {
        var id = await SpoolAsync("alice@ring.test", ["nobody@ring.test", "bob@ring.test"], Letter("alice@ring.test", "nobody@ring.test", "lost"));
        StartAgent();

        var report = ExpectReport(id);
        Assert.True(report.Completed);
        Assert.NotNull(report.BounceId);
        var bounceReport = ExpectReport(report.BounceId!);
        Assert.True(bounceReport.Completed);

        var (sender, bytes) = Assert.Single(Ring.FiledFor("alice@ring.test"));
        Assert.Equal("", sender); // the null reverse path: nobody answers a bounce
        var (bounce, recipients) = ParseBounce(bytes);
        Assert.Equal("MAILER-DAEMON@node.ring.test", bounce.From.Mailboxes.Single().Address);
        Assert.Equal("auto-replied", bounce.Headers["Auto-Submitted"]);
        var group = Assert.Single(recipients);
        Assert.Equal("rfc822; nobody@ring.test", group["Final-Recipient"]);
        Assert.Equal("failed", group["Action"]);
        Assert.Equal("5.1.1", group["Status"]);
        Assert.Contains("Subject: lost", bounce.ToString());
        Assert.DoesNotContain("Hi there.", Encoding.UTF8.GetString(bytes)); // headers only, never the body
        Assert.Single(Ring.FiledFor("bob@ring.test"));
    }

    [Fact]
    public async Task A_permanent_post_failure_is_bounced_once_and_not_retried()
    {
        Ring.FailNext("bob@ring.test", new MailDeliveryException(true, "message larger than bob's quota"));
        var id = await SpoolAsync("alice@ring.test", ["bob@ring.test"], Letter("alice@ring.test", "bob@ring.test"));
        StartAgent();

        var report = ExpectReport(id);
        Assert.True(report.Completed);
        Assert.Equal("550 5.0.0 message larger than bob's quota", Assert.Single(report.Outcomes).Reply);
        ExpectReport(report.BounceId!);
        var (_, recipients) = ParseBounce(Assert.Single(Ring.FiledFor("alice@ring.test")).Message);
        Assert.Equal("smtp; 550 5.0.0 message larger than bob's quota", Assert.Single(recipients)["Diagnostic-Code"]);
        Assert.Single(Ring.Calls, c => c.Recipient == "bob@ring.test");
    }

    [Fact]
    public async Task A_bounce_is_never_bounced()
    {
        var id = await SpoolAsync("", ["nobody@ring.test"], "Subject: a bounce\r\n\r\nx\r\n", user: null);
        StartAgent();

        var report = ExpectReport(id);
        Assert.True(report.Completed);
        Assert.Null(report.BounceId);
        Assert.Equal(DeliveryResult.Permanent, Assert.Single(report.Outcomes).Result);
        Assert.Empty(Spool.ListPending());
        Assert.Empty(Ring.Calls);
    }

    [Fact]
    public async Task Temporary_failures_are_retried_with_doubling_waits_on_the_scheduler_clock()
    {
        var start = Scheduler.Now;
        Ring.FailNext("bob@ring.test", new TimeoutException("ring busy"), new TimeoutException("ring still busy"));
        var id = await SpoolAsync("alice@ring.test", ["bob@ring.test", "alice@ring.test"], Letter("alice@ring.test", "bob@ring.test"));
        StartAgent();

        var first = ExpectReport(id);
        Assert.False(first.Completed);
        Assert.Equal(start + TimeSpan.FromMinutes(1), first.RetryAt);
        Assert.Equal("451 4.0.0 ring busy", first.Outcomes.Single(o => o.Recipient == "bob@ring.test").Reply);

        Scheduler.Advance(TimeSpan.FromSeconds(59));
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Scheduler.Advance(TimeSpan.FromSeconds(1));
        var second = ExpectReport(id);
        Assert.Equal(start + TimeSpan.FromMinutes(3), second.RetryAt);
        // alice was done in the first attempt and is not tried again.
        Assert.Equal(["bob@ring.test"], second.Outcomes.Select(o => o.Recipient));

        Scheduler.Advance(TimeSpan.FromMinutes(2));
        var third = ExpectReport(id);
        Assert.True(third.Completed);
        Assert.Single(Ring.FiledFor("alice@ring.test"));
        Assert.Single(Ring.FiledFor("bob@ring.test"));
        Assert.Single(Ring.Calls, c => c.Recipient == "alice@ring.test");
    }

    [Fact]
    public async Task A_recipient_still_failing_at_the_give_up_age_is_bounced_with_delivery_time_expired()
    {
        Ring.FailNext("bob@ring.test", Enumerable.Range(0, 50).Select(_ => (Exception)new IOException("ring unreachable")).ToArray());
        var id = await SpoolAsync("alice@ring.test", ["bob@ring.test"], Letter("alice@ring.test", "bob@ring.test"));
        StartAgent();

        DeliveryReport report;
        var attempts = 0;
        do
        {
            report = ExpectReport(id);
            attempts++;
            if (!report.Completed) Scheduler.Advance(report.RetryAt!.Value - Scheduler.Now);
        }
        while (!report.Completed);

        // Attempts at minute 0, 1, 3, 7, 15, 23, 31, 39, 47, 55 (waits doubling up to the 8-minute cap), and the last one
        // at exactly the one-hour give-up age rather than at minute 63.
        Assert.Equal(11, attempts);
        var outcome = Assert.Single(report.Outcomes);
        Assert.Equal("554 5.4.7 Delivery time expired; last error: 451 4.0.0 ring unreachable", outcome.Reply);
        ExpectReport(report.BounceId!);
        var (_, recipients) = ParseBounce(Assert.Single(Ring.FiledFor("alice@ring.test")).Message);
        Assert.Equal("5.4.7", Assert.Single(recipients)["Status"]);
    }

    [Fact]
    public async Task A_delivery_whose_acknowledgement_was_lost_is_retried_with_the_same_id_and_filed_once()
    {
        Ring.LoseAcknowledgement("bob@ring.test");
        var id = await SpoolAsync("alice@ring.test", ["bob@ring.test"], Letter("alice@ring.test", "bob@ring.test"));
        StartAgent();

        Assert.False(ExpectReport(id).Completed);
        Scheduler.Advance(TimeSpan.FromMinutes(1));
        Assert.True(ExpectReport(id).Completed);

        var calls = Ring.Calls.Where(c => c.Recipient == "bob@ring.test").Select(c => c.DeliveryId).ToList();
        Assert.Equal(2, calls.Count);
        Assert.Equal(calls[0], calls[1]);
        Assert.Single(Ring.FiledFor("bob@ring.test"));
    }

    [Fact]
    public async Task Mail_to_outside_addresses_that_no_user_submitted_is_refused_not_relayed()
    {
        // A gateway refuses such recipients at RCPT; the agent refuses them too, so the spool is never a way around that.
        var id = await SpoolAsync("mallory@example.net", ["victim@example.com"], Letter("mallory@example.net", "victim@example.com"), user: null);
        StartAgent(Settings(relayPort: 9));

        var report = ExpectReport(id);
        Assert.True(report.Completed);
        Assert.Equal("550 5.7.1 Relaying denied: the message was not submitted by a user of this node", Assert.Single(report.Outcomes).Reply);
        // The bounce to the outside sender goes out through the relay (here unreachable) like any bounce.
        Assert.NotNull(report.BounceId);
    }

    [Fact]
    public async Task Without_a_relay_mail_to_outside_addresses_is_bounced_at_once()
    {
        var id = await SpoolAsync("alice@ring.test", ["friend@example.org"], Letter("alice@ring.test", "friend@example.org"));
        StartAgent(Settings(relayHost: ""));

        var report = ExpectReport(id);
        Assert.True(report.Completed);
        Assert.Equal("554 5.3.5 No outbound relay is configured on this node", Assert.Single(report.Outcomes).Reply);
        ExpectReport(report.BounceId!);
        Assert.Equal("5.3.5", Assert.Single(ParseBounce(Assert.Single(Ring.FiledFor("alice@ring.test")).Message).Recipients)["Status"]);
    }

    [Fact]
    public async Task A_damaged_spooled_copy_is_bounced_instead_of_delivered()
    {
        var id = await SpoolAsync("alice@ring.test", ["bob@ring.test"], Letter("alice@ring.test", "bob@ring.test"));
        await File.AppendAllTextAsync(Path.Combine(Spool.Root, "messages", id + ".eml"), "tampered");
        StartAgent();

        var report = ExpectReport(id);
        Assert.True(report.Completed);
        Assert.StartsWith("554 5.3.0 Spooled copy of the message is damaged", Assert.Single(report.Outcomes).Reply);
        Assert.Empty(Ring.FiledFor("bob@ring.test"));
        ExpectReport(report.BounceId!);
        Assert.Single(Ring.FiledFor("alice@ring.test"));
    }
}
