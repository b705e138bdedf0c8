using System.Globalization;
using System.Text;
using ePost.Mail.Spool;
using MimeKit;

namespace ePost.Mail.Delivery;

/// <summary>
/// The bounce a sender gets when recipients failed for good: an RFC 3464 multipart/report with a human-readable part,
/// the message/delivery-status fields per recipient, and the original headers (not the body: a bounce must not become
/// a way to send a large message to someone who never sent it).
/// </summary>
public static class DeliveryStatusReport
{
    /// <summary>The From address of bounces (RFC 5321 §4.5.5 sends them with the null reverse path).</summary>
    public const string MailerDaemon = "MAILER-DAEMON";

    /// <summary>Builds the report bytes (CR LF line ends) about <paramref name="failed"/> recipients of <paramref name="message"/>.</summary>
    public static byte[] Build(string hostName, SpooledMessage message, byte[]? original, IReadOnlyList<RecipientOutcome> failed, DateTimeOffset now)
    {
        var envelope = message.Envelope;
        var report = new MultipartReport("delivery-status");
        report.Add(new TextPart("plain") { Text = HumanText(hostName, failed) });

        var status = new MessageDeliveryStatus();
        var perMessage = new HeaderList
        {
            { "Reporting-MTA", "dns; " + hostName },
            { "X-ePost-Queue-ID", message.Id },
            { "Arrival-Date", MimeKit.Utils.DateUtils.FormatDate(envelope.ReceivedAt) },
        };
        status.StatusGroups.Add(perMessage);
        foreach (var outcome in failed)
        {
            var group = new HeaderList
            {
                { "Final-Recipient", "rfc822; " + outcome.Recipient },
                { "Action", "failed" },
                { "Status", outcome.Status },
            };
            if (outcome.RemoteMta is not null) group.Add("Remote-MTA", "dns; " + outcome.RemoteMta);
            group.Add("Diagnostic-Code", "smtp; " + OneLine(outcome.Reply));
            group.Add("Last-Attempt-Date", MimeKit.Utils.DateUtils.FormatDate(now));
            status.StatusGroups.Add(group);
        }
        report.Add(status);
        if (original is not null) report.Add(OriginalHeaders(original));

        var bounce = new MimeMessage();
        bounce.From.Add(new MailboxAddress("Mail Delivery System", $"{MailerDaemon}@{hostName}"));
        bounce.To.Add(MailboxAddress.Parse(envelope.Sender));
        bounce.Subject = "Undelivered Mail Returned to Sender";
        bounce.Date = now;
        bounce.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(hostName);
        bounce.Headers.Add("Auto-Submitted", "auto-replied"); // RFC 3834: automatic, never answered automatically
        bounce.Body = report;

        using var buffer = new MemoryStream();
        bounce.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, buffer);
        return buffer.ToArray();
    }

    private static string HumanText(string hostName, IReadOnlyList<RecipientOutcome> failed)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"This is the mail system at {hostName}.\r\n\r\n");
        text.Append("Your message could not be delivered to the recipients below. This is a permanent error.\r\n\r\n");
        foreach (var outcome in failed) text.Append(CultureInfo.InvariantCulture, $"<{outcome.Recipient}>: {OneLine(outcome.Reply)}\r\n");
        return text.ToString();
    }

    // Replies quote remote servers and exception texts: a line break in one must not start a field of its own.
    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();

    /// <summary>Most octets of the original header returned; a header longer than this is cut at a line end.</summary>
    public const int MaxReturnedHeader = 64 * 1024;

    private static MimePart OriginalHeaders(byte[] original)
    {
        // Everything up to the first empty line; a message without one is all header. Bounded, so a message that is
        // one huge header does not come back whole.
        var end = IndexOfBlankLine(original);
        if (end < 0) end = original.Length;
        if (end > MaxReturnedHeader) end = original.AsSpan(0, MaxReturnedHeader).LastIndexOf("\r\n"u8) is var cut and > 0 ? cut + 2 : MaxReturnedHeader;
        var headers = original[..end];
        return new MimePart("text", "rfc822-headers") { Content = new MimeContent(new MemoryStream(headers)) };
    }

    private static int IndexOfBlankLine(byte[] bytes)
    {
        if (bytes.Length >= 2 && bytes[0] == '\r' && bytes[1] == '\n') return 0;
        for (var i = 0; i + 3 < bytes.Length; i++)
        {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') return i + 2;
        }
        return -1;
    }
}
