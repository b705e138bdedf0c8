using System.Globalization;
using System.Text;
using ePost.Mail.Dsn;
using ePost.Mail.Spool;
using MimeKit;

namespace ePost.Mail.Delivery;

/// <summary>
/// Delivery status notifications (RFC 3464): a multipart/report with a human-readable part, the
/// message/delivery-status fields (ENVID and ORCPT echoed, RFC 3461), and the original headers, or with RET=FULL the
/// whole original message. Used for bounces (Action: failed), for "relayed" reports, and for the success reports that
/// ring receipts produce (Action: delivered).
/// </summary>
public static class DeliveryStatusReport
{
    /// <summary>The From address of reports (RFC 5321 §4.5.5 sends them with the null reverse path).</summary>
    public const string MailerDaemon = "MAILER-DAEMON";

    /// <summary>Most octets of the original header returned; a header longer than this is cut at a line end.</summary>
    public const int MaxReturnedHeader = 64 * 1024;

    /// <summary>
    /// The bounce about <paramref name="failed"/> recipients of a spooled message. RET=FULL returns the whole message
    /// only for mail a user of this node submitted: for mail from outside the sender is only a claim, and returning a
    /// whole message to it would let anyone send large messages in this node's name (backscatter).
    /// </summary>
    public static byte[] Build(string hostName, SpooledMessage message, byte[]? original, IReadOnlyList<RecipientOutcome> failed, DateTimeOffset now)
    {
        var envelope = message.Envelope;
        var ret = envelope.Return == DsnReturn.Full && envelope.AuthenticatedUser is null ? DsnReturn.Headers : envelope.Return;
        var subject = new ReportedMessage(envelope.Sender, message.Id, envelope.ReceivedAt, envelope.EnvelopeId, ret);
        var recipients = failed.Select(o => new ReportedRecipient(o.Recipient, DsnAction.Failed, o.Status, "smtp; " + OneLine(o.Reply), o.RemoteMta, now,
            envelope.DsnFor(o.Recipient).OriginalRecipient)).ToList();
        return Build(hostName, subject, original, recipients, now);
    }

    /// <summary>Builds a report (CR LF line ends) to <see cref="ReportedMessage.Sender"/> about <paramref name="recipients"/>, all with one action.</summary>
    /// <exception cref="ArgumentException">When the recipients are empty or mix actions.</exception>
    public static byte[] Build(string hostName, ReportedMessage message, byte[]? original, IReadOnlyList<ReportedRecipient> recipients, DateTimeOffset now)
    {
        if (recipients.Count == 0 || recipients.Any(r => r.Action != recipients[0].Action))
            throw new ArgumentException("A report is about at least one recipient, all with the same action.", nameof(recipients));
        var action = recipients[0].Action;
        var report = new MultipartReport("delivery-status");
        report.Add(new TextPart("plain") { Text = HumanText(hostName, action, recipients) });

        var status = new MessageDeliveryStatus();
        var perMessage = new HeaderList();
        if (message.EnvelopeId is { } envid) perMessage.Add("Original-Envelope-Id", envid);
        perMessage.Add("Reporting-MTA", "dns; " + hostName);
        perMessage.Add("X-ePost-Queue-ID", message.QueueId);
        perMessage.Add("Arrival-Date", MimeKit.Utils.DateUtils.FormatDate(message.ArrivalDate));
        status.StatusGroups.Add(perMessage);
        foreach (var recipient in recipients)
        {
            var group = new HeaderList();
            if (recipient.OriginalRecipient is { } orcpt && orcpt.IndexOf(';') is var semi and > 0)
                group.Add("Original-Recipient", orcpt[..semi] + "; " + orcpt[(semi + 1)..]);
            group.Add("Final-Recipient", "rfc822; " + recipient.Recipient);
            group.Add("Action", ActionName(recipient.Action));
            group.Add("Status", recipient.Status);
            if (recipient.RemoteMta is not null) group.Add("Remote-MTA", "dns; " + recipient.RemoteMta);
            if (recipient.Diagnostic is not null) group.Add("Diagnostic-Code", OneLine(recipient.Diagnostic));
            if (recipient.LastAttempt is { } last) group.Add("Last-Attempt-Date", MimeKit.Utils.DateUtils.FormatDate(last));
            status.StatusGroups.Add(group);
        }
        report.Add(status);
        // RFC 3461 §4.3: a success report SHOULD NOT return the content; headers are enough to recognise the message.
        var full = message.Return == DsnReturn.Full && action == DsnAction.Failed;
        if (original is not null) report.Add(full ? OriginalMessage(original) : OriginalHeaders(original));

        var dsn = new MimeMessage();
        dsn.From.Add(new MailboxAddress("Mail Delivery System", $"{MailerDaemon}@{hostName}"));
        dsn.To.Add(MailboxAddress.Parse(message.Sender));
        dsn.Subject = action switch
        {
            DsnAction.Delivered => "Successful Mail Delivery Report",
            DsnAction.Relayed => "Mail Relayed: No Further Reports",
            _ => "Undelivered Mail Returned to Sender",
        };
        dsn.Date = now;
        dsn.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(hostName);
        dsn.Headers.Add("Auto-Submitted", "auto-replied"); // RFC 3834: automatic, never answered automatically
        dsn.Body = report;

        using var buffer = new MemoryStream();
        dsn.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, buffer);
        return buffer.ToArray();
    }

    /// <summary>The headers of <paramref name="original"/> as a report returns them (bounded, see <see cref="MaxReturnedHeader"/>).</summary>
    public static byte[] HeadersOf(byte[] original)
    {
        // Everything up to the first empty line; a message without one is all header. Bounded, so a message that is
        // one huge header does not come back whole.
        var end = IndexOfBlankLine(original);
        if (end < 0) end = original.Length;
        if (end > MaxReturnedHeader) end = original.AsSpan(0, MaxReturnedHeader).LastIndexOf("\r\n"u8) is var cut and > 0 ? cut + 2 : MaxReturnedHeader;
        return original[..end];
    }

    private static string ActionName(DsnAction action) => action switch
    {
        DsnAction.Failed => "failed",
        DsnAction.Delayed => "delayed",
        DsnAction.Delivered => "delivered",
        DsnAction.Relayed => "relayed",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };

    private static string HumanText(string hostName, DsnAction action, IReadOnlyList<ReportedRecipient> recipients)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"This is the mail system at {hostName}.\r\n\r\n");
        text.Append(action switch
        {
            DsnAction.Delivered => "Your message was delivered to the recipients below: their nodes have filed it.\r\n\r\n",
            DsnAction.Relayed => "Your message was relayed to a system that does not report delivery; you will hear no more about the recipients below.\r\n\r\n",
            _ => "Your message could not be delivered to the recipients below. This is a permanent error.\r\n\r\n",
        });
        foreach (var recipient in recipients)
            text.Append(CultureInfo.InvariantCulture, $"<{recipient.Recipient}>: {OneLine(recipient.Diagnostic ?? recipient.Status)}\r\n");
        return text.ToString();
    }

    // Replies quote remote servers and exception texts: a line break in one must not start a field of its own.
    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();

    private static MimePart OriginalHeaders(byte[] original) =>
        new("text", "rfc822-headers") { Content = new MimeContent(new MemoryStream(HeadersOf(original))) };

    private static MessagePart OriginalMessage(byte[] original) => new("rfc822") { Message = MimeMessage.Load(new MemoryStream(original)) };

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

/// <summary>What a DSN says happened to one recipient (RFC 3464 §2.3.3).</summary>
public enum DsnAction
{
    /// <summary>Not delivered, and never will be.</summary>
    Failed,

    /// <summary>Not delivered yet; still being tried.</summary>
    Delayed,

    /// <summary>Filed in the recipient's mailbox.</summary>
    Delivered,

    /// <summary>Handed to a system that will not report further.</summary>
    Relayed,
}

/// <summary>The message a DSN is about.</summary>
/// <param name="Sender">The envelope sender, who gets the report.</param>
/// <param name="QueueId">This node's id of the message (the spool id).</param>
/// <param name="ArrivalDate">When this node accepted it.</param>
/// <param name="EnvelopeId">ENVID, decoded, or null.</param>
/// <param name="Return">RET: how much of the message to return.</param>
public sealed record ReportedMessage(string Sender, string QueueId, DateTimeOffset ArrivalDate, string? EnvelopeId, DsnReturn Return);

/// <summary>One recipient's part of a DSN.</summary>
/// <param name="Recipient">The envelope recipient (Final-Recipient).</param>
/// <param name="Action">What happened.</param>
/// <param name="Status">The RFC 3463 status code.</param>
/// <param name="Diagnostic">Diagnostic-Code ("smtp; 550 ..."), or null.</param>
/// <param name="RemoteMta">The relay that answered, or null.</param>
/// <param name="LastAttempt">Last-Attempt-Date: for a delivered ring recipient, when its node filed the message.</param>
/// <param name="OriginalRecipient">ORCPT, decoded ("rfc822;bob@ring.test"), or null.</param>
public sealed record ReportedRecipient(string Recipient, DsnAction Action, string Status, string? Diagnostic, string? RemoteMta, DateTimeOffset? LastAttempt,
    string? OriginalRecipient);
