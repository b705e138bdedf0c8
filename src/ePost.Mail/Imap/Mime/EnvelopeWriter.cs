using System.Text;
using ePost.Mail.Imap.Protocol;
using MimeKit;
using MimeKit.Utils;

namespace ePost.Mail.Imap.Mime;

/// <summary>Writes the RFC 3501 ENVELOPE structure of a message.</summary>
/// <remarks>
/// String fields carry the header value as stored (unfolded, encoded-words left for the client to decode, 8-bit
/// bytes served as literals). Addresses come from MimeKit's parse; a display name that needed decoding is
/// re-encoded as an RFC 2047 encoded-word so the envelope stays 7-bit.
/// </remarks>
public static class EnvelopeWriter
{
    /// <summary>Writes "(date subject from sender reply-to to cc bcc in-reply-to message-id)".</summary>
    public static void Write(ImapResponseWriter writer, MimeMessage message)
    {
        var headers = message.Headers;
        writer.Raw("(");
        writer.NString(RawValue(headers, HeaderId.Date)).Space();
        writer.NString(RawValue(headers, HeaderId.Subject)).Space();
        var from = message.From;
        WriteAddresses(writer, from);
        writer.Space();
        WriteAddresses(writer, headers.Contains(HeaderId.Sender) && message.Sender is not null ? [message.Sender] : from);
        writer.Space();
        WriteAddresses(writer, message.ReplyTo.Count > 0 ? message.ReplyTo : from);
        writer.Space();
        WriteAddresses(writer, message.To);
        writer.Space();
        WriteAddresses(writer, message.Cc);
        writer.Space();
        WriteAddresses(writer, message.Bcc);
        writer.Space();
        writer.NString(RawValue(headers, HeaderId.InReplyTo)).Space();
        writer.NString(RawValue(headers, HeaderId.MessageId));
        writer.Raw(")");
    }

    /// <summary>The first such header's raw value, unfolded and trimmed; null when absent.</summary>
    internal static ReadOnlyMemory<byte>? RawValue(HeaderList headers, HeaderId id)
    {
        int index = headers.IndexOf(id);
        if (index < 0) return null;
        var raw = headers[index].RawValue;
        var unfolded = new List<byte>(raw.Length);
        foreach (byte b in raw)
            if (b is not ((byte)'\r' or (byte)'\n')) unfolded.Add(b);
        return unfolded.ToArray().AsMemory().Trim((byte)' ').Trim((byte)'\t');
    }

    private static void WriteAddresses(ImapResponseWriter writer, IEnumerable<InternetAddress> addresses)
    {
        var list = addresses.ToList();
        if (list.Count == 0)
        {
            writer.Nil();
            return;
        }
        writer.Raw("(");
        foreach (var address in list) WriteAddress(writer, address);
        writer.Raw(")");
    }

    private static void WriteAddress(ImapResponseWriter writer, InternetAddress address)
    {
        if (address is GroupAddress group)
        {
            writer.Raw("(NIL NIL ").NString(Phrase(group.Name) ?? "").Raw(" NIL)");
            foreach (var member in group.Members) WriteAddress(writer, member);
            writer.Raw("(NIL NIL NIL NIL)");
            return;
        }
        var mailbox = (MailboxAddress)address;
        writer.Raw("(").NString(Phrase(mailbox.Name)).Space();
        writer.NString(mailbox.Route.Count > 0 ? string.Join(',', mailbox.Route.Select(d => "@" + d)) : null).Space();
        string local = mailbox.LocalPart;
        writer.NString(local.Length > 0 ? local : null).Space();
        writer.NString(mailbox.Domain.Length > 0 ? mailbox.Domain : null).Raw(")");
    }

    /// <summary>Null for an empty name; an RFC 2047 encoded-word for a name that is not plain ASCII.</summary>
    private static string? Phrase(string? name)
    {
        if (string.IsNullOrEmpty(name)) return null;
        if (name.All(c => c is >= ' ' and < '\x7f')) return name;
        return Encoding.ASCII.GetString(Rfc2047.EncodePhrase(Encoding.UTF8, name));
    }
}
