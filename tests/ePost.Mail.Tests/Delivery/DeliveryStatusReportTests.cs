using System.Text;
using ePost.Mail.Backend;
using ePost.Mail.Delivery;
using ePost.Mail.Dsn;
using ePost.Mail.Spool;
using MimeKit;

namespace ePost.Mail.Tests.Delivery;

/// <summary>The RFC 3464 bounce built for failed recipients.</summary>
public sealed class DeliveryStatusReportTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static SpooledMessage Spooled(string sender) =>
        new("20250102030405-0011223344556677", new SpoolEnvelope(sender, ["x@example.org"], "alice", "127.0.0.1", Now.AddHours(-1)), 10, "00");

    private static readonly RecipientOutcome[] Failed =
        [new RecipientOutcome("x@example.org", DeliveryResult.Permanent, "550 5.1.1 No such mailbox here", "relay.example.net")];

    [Theory]
    [InlineData("alice@ring.test")]
    [InlineData("\"alice smith\"@ring.test")]
    [InlineData("ålice@ring.test")]
    [InlineData("alice@[192.0.2.1]")]
    public void A_report_can_be_built_for_every_sender_smtp_accepts(string sender)
    {
        var bytes = DeliveryStatusReport.Build("node.ring.test", Spooled(sender), "Subject: s\r\n\r\nbody\r\n"u8.ToArray(), Failed, Now);
        var report = MimeMessage.Load(new MemoryStream(bytes));
        Assert.Equal(sender, report.To.Mailboxes.Single().Address);
        Assert.IsType<MultipartReport>(report.Body);
    }

    [Fact]
    public void The_report_names_the_queue_arrival_remote_mta_and_diagnostic()
    {
        var text = Encoding.UTF8.GetString(DeliveryStatusReport.Build("node.ring.test", Spooled("alice@ring.test"), "Subject: s\r\n\r\nbody\r\n"u8.ToArray(), Failed, Now));
        Assert.Contains("\r\nReporting-MTA: dns; node.ring.test\r\nX-ePost-Queue-ID: 20250102030405-0011223344556677\r\nArrival-Date: Thu, 02 Jan 2025 02:04:05 +0000\r\n\r\n", text);
        Assert.Contains("\r\nFinal-Recipient: rfc822; x@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\nRemote-MTA: dns; relay.example.net\r\n"
                        + "Diagnostic-Code: smtp; 550 5.1.1 No such mailbox here\r\nLast-Attempt-Date: Thu, 02 Jan 2025 03:04:05 +0000\r\n", text);
        Assert.Contains("Content-Type: text/rfc822-headers\r\n\r\nSubject: s\r\n", text);
        Assert.DoesNotContain("body", text);
    }

    [Fact]
    public void A_message_without_a_body_separator_is_returned_as_all_header_and_a_lost_one_not_at_all()
    {
        var allHeader = Encoding.UTF8.GetString(DeliveryStatusReport.Build("n", Spooled("a@b.c"), "Subject: only\r\n"u8.ToArray(), Failed, Now));
        Assert.Contains("Content-Type: text/rfc822-headers\r\n\r\nSubject: only\r\n", allHeader);
        var lost = Encoding.UTF8.GetString(DeliveryStatusReport.Build("n", Spooled("a@b.c"), null, Failed, Now));
        Assert.DoesNotContain("rfc822-headers", lost);
    }

    [Fact]
    public void A_huge_original_header_comes_back_cut_at_a_line_end_within_the_limit()
    {
        var header = new StringBuilder();
        for (var i = 0; header.Length < 3 * DeliveryStatusReport.MaxReturnedHeader; i++) header.Append($"X-Filler-{i}: {new string('x', 60)}\r\n");
        var bytes = DeliveryStatusReport.Build("n", Spooled("a@b.c"), Encoding.ASCII.GetBytes(header + "\r\nbody\r\n"), Failed, Now);
        var text = Encoding.ASCII.GetString(bytes);
        const string start = "Content-Type: text/rfc822-headers\r\n\r\n";
        var from = text.IndexOf(start, StringComparison.Ordinal) + start.Length;
        // The part ends with the header's own CR LF, then the CR LF that belongs to the closing boundary.
        var returned = text[from..text.IndexOf("\r\n--", from, StringComparison.Ordinal)];
        Assert.InRange(returned.Length, DeliveryStatusReport.MaxReturnedHeader - 100, DeliveryStatusReport.MaxReturnedHeader);
        Assert.Matches(@"^(X-Filler-\d+: x{60}\r\n)+$", returned);
        Assert.True(bytes.Length < 2 * DeliveryStatusReport.MaxReturnedHeader);
    }

    [Fact]
    public void A_reply_with_line_breaks_cannot_add_fields_to_the_report()
    {
        RecipientOutcome[] failed = [new("x@example.org", DeliveryResult.Permanent, "550 5.0.0 no\r\nStatus: 2.0.0\nAction: delivered")];
        var text = Encoding.UTF8.GetString(DeliveryStatusReport.Build("n", Spooled("a@b.c"), null, failed, Now));
        Assert.Contains("\r\nDiagnostic-Code: smtp; 550 5.0.0 no Status: 2.0.0 Action: delivered\r\n", text);
        Assert.DoesNotContain("\nAction: delivered", text);
        Assert.DoesNotContain("\nStatus: 2.0.0", text);
    }

    [Theory]
    [InlineData("250 2.0.0 ok", DeliveryResult.Delivered, "2.0.0")]
    [InlineData("550 5.7.1 denied", DeliveryResult.Permanent, "5.7.1")]
    [InlineData("550 not relaying", DeliveryResult.Permanent, "5.0.0")]
    [InlineData("451 try later", DeliveryResult.Temporary, "4.0.0")]
    [InlineData("550 5.1234.1 odd", DeliveryResult.Permanent, "5.0.0")]
    [InlineData("550 6.1.1 odd", DeliveryResult.Permanent, "5.0.0")]
    [InlineData("", DeliveryResult.Permanent, "5.0.0")]
    public void The_status_code_is_taken_from_the_reply_when_it_has_a_valid_one(string reply, DeliveryResult result, string status) =>
        Assert.Equal(status, new RecipientOutcome("x@example.org", result, reply).Status);

    private static readonly byte[] Original = "Subject: s\r\nMessage-ID: <m1@ring.test>\r\n\r\nthe body\r\n"u8.ToArray();

    private static MessageDeliveryStatus StatusOf(byte[] bytes, out MimeMessage dsn)
    {
        dsn = MimeMessage.Load(new MemoryStream(bytes));
        var report = Assert.IsType<MultipartReport>(dsn.Body);
        Assert.Equal("delivery-status", report.ReportType);
        return Assert.IsType<MessageDeliveryStatus>(report[1]);
    }

    [Fact]
    public void A_success_report_says_delivered_with_the_filing_time_and_echoes_envid_and_orcpt()
    {
        var filed = Now.AddMinutes(-5);
        var bytes = DeliveryStatusReport.Build("node.ring.test", new ReportedMessage("alice@ring.test", "Q9", Now.AddHours(-1), "env-42", DsnReturn.Full),
            DeliveryStatusReport.HeadersOf(Original),
            [new ReportedRecipient("bob@ring.test", DsnAction.Delivered, "2.0.0", "smtp; 250 2.0.0 filed", null, filed, "rfc822;Bob@ring.test")], Now);
        var status = StatusOf(bytes, out var dsn);
        Assert.Equal("Successful Mail Delivery Report", dsn.Subject);
        Assert.Equal("alice@ring.test", dsn.To.Mailboxes.Single().Address);
        Assert.Equal("auto-replied", dsn.Headers["Auto-Submitted"]);
        var perMessage = status.StatusGroups[0];
        Assert.Equal("env-42", perMessage["Original-Envelope-Id"]);
        Assert.Equal("dns; node.ring.test", perMessage["Reporting-MTA"]);
        var recipient = status.StatusGroups[1];
        Assert.Equal("rfc822; Bob@ring.test", recipient["Original-Recipient"]);
        Assert.Equal("rfc822; bob@ring.test", recipient["Final-Recipient"]);
        Assert.Equal("delivered", recipient["Action"]);
        Assert.Equal("2.0.0", recipient["Status"]);
        Assert.Equal(filed, MimeKit.Utils.DateUtils.TryParse(recipient["Last-Attempt-Date"], out var date) ? date : default);
        // RET=FULL is for failures: a success report returns the headers only (RFC 3461 §4.3).
        Assert.Equal("text/rfc822-headers", Assert.IsType<MultipartReport>(dsn.Body)[2].ContentType.MimeType);
        Assert.DoesNotContain("the body", Encoding.ASCII.GetString(bytes));
    }

    [Fact]
    public void Ret_full_returns_the_whole_message_of_a_local_user_but_only_the_headers_of_gateway_mail()
    {
        SpooledMessage Submitted(string? user) => new("Q1", new SpoolEnvelope("alice@ring.test", ["x@example.org"], user, "127.0.0.1", Now)
        {
            Return = DsnReturn.Full,
            EnvelopeId = "e1",
            RecipientDsn = new Dictionary<string, RecipientDsn> { ["x@example.org"] = new(DsnNotify.Failure, "rfc822;x@example.org") },
        }, 10, "00");
        var full = DeliveryStatusReport.Build("n", Submitted("alice"), Original, Failed, Now);
        var status = StatusOf(full, out var dsn);
        var returned = Assert.IsAssignableFrom<MessagePart>(Assert.IsType<MultipartReport>(dsn.Body)[2]);
        Assert.Equal("message/rfc822", returned.ContentType.MimeType);
        Assert.Equal("the body", Assert.IsType<TextPart>(returned.Message!.Body).Text.TrimEnd());
        Assert.Equal("e1", status.StatusGroups[0]["Original-Envelope-Id"]);
        Assert.Equal("rfc822; x@example.org", status.StatusGroups[1]["Original-Recipient"]);
        Assert.Equal("failed", status.StatusGroups[1]["Action"]);

        StatusOf(DeliveryStatusReport.Build("n", Submitted(null), Original, Failed, Now), out var gateway);
        Assert.Equal("text/rfc822-headers", Assert.IsType<MultipartReport>(gateway.Body)[2].ContentType.MimeType);
    }

    [Fact]
    public void A_report_mixing_actions_is_refused() =>
        Assert.Throws<ArgumentException>(() => DeliveryStatusReport.Build("n", new ReportedMessage("a@b.c", "Q", Now, null, DsnReturn.Headers), null,
        [
            new ReportedRecipient("x@b.c", DsnAction.Delivered, "2.0.0", null, null, null, null),
            new ReportedRecipient("y@b.c", DsnAction.Failed, "5.0.0", null, null, null, null),
        ], Now));
}
