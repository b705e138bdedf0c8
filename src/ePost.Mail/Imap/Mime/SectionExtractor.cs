using ePost.Mail.Imap.Fetch;
using MimeKit;

namespace ePost.Mail.Imap.Mime;

/// <summary>Byte-exact BODY[section]&lt;partial&gt; and BINARY[part] extraction from an <see cref="ImapMessage"/>.</summary>
/// <remarks>
/// Part numbering follows RFC 3501 §6.4.5: children of a multipart are numbered from 1; a non-multipart message
/// (or encapsulated message) has only part 1; after a message/rfc822 part, numbers continue inside the
/// encapsulated message's body. HEADER/TEXT after a part number require that part to be message/rfc822.
/// </remarks>
public static class SectionExtractor
{
    /// <summary>The section's bytes, or null when the message has no such part.</summary>
    public static ReadOnlyMemory<byte>? Extract(ImapMessage message, BodySection section)
    {
        if (section.Part.Count == 0) return MessageSection(message, message.Message, section);
        var entity = Resolve(message.Message, section.Part);
        if (entity is null) return null;
        var span = message.SpanOf(entity);
        return section.Kind switch
        {
            SectionKind.Content => message.Slice(span.HeadersEnd, span.End),
            SectionKind.Mime => message.Slice(span.Begin, span.HeadersEnd),
            _ => entity is MessagePart { Message: { } inner } ? MessageSection(message, inner, section) : null,
        };
    }

    /// <summary>BODY[...] with an optional &lt;origin.size&gt; applied; origin past the end gives an empty string.</summary>
    public static ReadOnlyMemory<byte>? Extract(ImapMessage message, BodySection section, FetchPartial? partial)
    {
        var bytes = Extract(message, section);
        return bytes is null || partial is null ? bytes : ApplyPartial(bytes.Value, partial.Value);
    }

    /// <summary>The &lt;origin.size&gt; slice of already extracted bytes.</summary>
    public static ReadOnlyMemory<byte> ApplyPartial(ReadOnlyMemory<byte> bytes, FetchPartial partial)
    {
        if (partial.Origin >= bytes.Length) return ReadOnlyMemory<byte>.Empty;
        int origin = (int)partial.Origin;
        return bytes.Slice(origin, (int)Math.Min(partial.Size, bytes.Length - origin));
    }

    /// <summary>
    /// BINARY[part]: the content-transfer-decoded body of a leaf part (RFC 3516), or null when there is none. BINARY[]
    /// (no part) and parts without a transfer encoding of their own (multiparts, encapsulated messages) are their bytes
    /// as stored, as BODY[] would give them. Callers check <see cref="CanDecode"/> first.
    /// </summary>
    public static byte[]? ExtractBinary(ImapMessage message, IReadOnlyList<int> part)
    {
        if (part.Count == 0) return message.Slice(0, message.Size).ToArray();
        var entity = Resolve(message.Message, part);
        if (entity is null) return null;
        if (entity is not MimePart { Content: { } content })
            return Extract(message, new BodySection(part, SectionKind.Content, []))?.ToArray();
        using var decoded = new MemoryStream();
        content.DecodeTo(decoded);
        return decoded.ToArray();
    }

    /// <summary>
    /// False when the part has a Content-Transfer-Encoding other than the five of RFC 2045 §6.1 (x-uuencode or any
    /// other name): BINARY of it must fail with [UNKNOWN-CTE] (RFC 3516 §4.1) rather than serve bytes that are not
    /// the decoded content. MimeKit would decode x-uuencode leniently; Dovecot refuses it too.
    /// </summary>
    public static bool CanDecode(ImapMessage message, IReadOnlyList<int> part)
    {
        if (part.Count == 0 || Resolve(message.Message, part) is not MimePart leaf) return true;
        return leaf.ContentTransferEncoding switch
        {
            ContentEncoding.SevenBit or ContentEncoding.EightBit or ContentEncoding.Binary
                or ContentEncoding.Base64 or ContentEncoding.QuotedPrintable => true,
            // Default is what MimeKit reports both for no header and for a name it does not know.
            ContentEncoding.Default => string.IsNullOrWhiteSpace(leaf.Headers[HeaderId.ContentTransferEncoding]),
            _ => false,
        };
    }

    /// <summary>Finds the entity a non-empty part path names, or null.</summary>
    internal static MimeEntity? Resolve(MimeMessage message, IReadOnlyList<int> part)
    {
        MimeEntity? container = message.Body;
        bool containerIsMessageBody = true; // only a message's own body may be addressed as part 1 without being multipart
        MimeEntity? current = null;
        for (int i = 0; i < part.Count; i++)
        {
            int number = part[i];
            if (container is Multipart multipart)
            {
                if (number > multipart.Count) return null;
                current = multipart[number - 1];
            }
            else if (containerIsMessageBody && number == 1 && container is not null) current = container;
            else return null;

            if (i == part.Count - 1) break;
            if (current is MessagePart { Message: { } inner })
            {
                container = inner.Body;
                containerIsMessageBody = true;
            }
            else if (current is Multipart)
            {
                container = current;
                containerIsMessageBody = false;
            }
            else return null;
        }
        return current;
    }

    private static ReadOnlyMemory<byte>? MessageSection(ImapMessage message, MimeMessage target, BodySection section)
    {
        var span = message.SpanOf(target);
        return section.Kind switch
        {
            SectionKind.Content => message.Slice(span.Begin, span.End),
            SectionKind.Header => message.Slice(span.Begin, span.HeadersEnd),
            SectionKind.Text => message.Slice(span.HeadersEnd, span.End),
            SectionKind.HeaderFields => HeaderFieldFilter.Select(message.Slice(span.Begin, span.HeadersEnd).Span, section.Fields, keep: true),
            SectionKind.HeaderFieldsNot => HeaderFieldFilter.Select(message.Slice(span.Begin, span.HeadersEnd).Span, section.Fields, keep: false),
            _ => null,
        };
    }
}
