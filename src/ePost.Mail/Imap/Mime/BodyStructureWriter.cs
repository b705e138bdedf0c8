using System.Text;
using ePost.Mail.Imap.Protocol;
using MimeKit;
using MimeKit.Utils;

namespace ePost.Mail.Imap.Mime;

/// <summary>Writes BODYSTRUCTURE (extensible) and BODY (basic) from the entity tree and its byte spans.</summary>
/// <remarks>
/// Type, subtype and parameter names are upper-cased as in RFC 3501's examples; sizes and line counts are those
/// of the stored bytes (<see cref="ImapMessage"/>), so they agree with what BODY[n] serves.
/// </remarks>
public static class BodyStructureWriter
{
    /// <summary>Writes the structure of the whole message.</summary>
    public static void Write(ImapResponseWriter writer, ImapMessage message, bool extensible) =>
        WriteEntity(writer, message, message.Message.Body, extensible);

    private static void WriteEntity(ImapResponseWriter writer, ImapMessage message, MimeEntity? entity, bool extensible)
    {
        if (entity is null)
        {
            // A message without a parseable body is described as empty text/plain.
            writer.Raw("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 0 0)");
            return;
        }
        if (entity is Multipart multipart)
        {
            WriteMultipart(writer, message, multipart, extensible);
            return;
        }
        var span = message.SpanOf(entity);
        var type = entity.ContentType;
        writer.Raw("(").String(type.MediaType.ToUpperInvariant()).Space().String(type.MediaSubtype.ToUpperInvariant()).Space();
        WriteParameters(writer, type.Parameters, type.IsMimeType("text", "*") ? "US-ASCII" : null);
        writer.Space().NString(Header(entity, HeaderId.ContentId));
        writer.Space().NString(Header(entity, HeaderId.ContentDescription));
        writer.Space().String(Header(entity, HeaderId.ContentTransferEncoding)?.ToUpperInvariant() ?? "7BIT");
        writer.Space().Number((ulong)span.BodySize);
        if (entity is MessagePart { Message: { } inner } && IsEncapsulatedMessage(type))
        {
            writer.Space();
            EnvelopeWriter.Write(writer, inner);
            writer.Space();
            WriteEntity(writer, message, inner.Body, extensible);
            writer.Space().Number((ulong)span.Lines);
        }
        else if (type.IsMimeType("text", "*"))
        {
            writer.Space().Number((ulong)span.Lines);
        }
        if (extensible)
        {
            writer.Space().NString(Header(entity, HeaderId.ContentMd5)).Space();
            WriteExtension(writer, entity);
        }
        writer.Raw(")");
    }

    private static void WriteMultipart(ImapResponseWriter writer, ImapMessage message, Multipart multipart, bool extensible)
    {
        writer.Raw("(");
        if (multipart.Count == 0)
            writer.Raw("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 0 0)");
        foreach (var child in multipart) WriteEntity(writer, message, child, extensible);
        writer.Space().String(multipart.ContentType.MediaSubtype.ToUpperInvariant());
        if (extensible)
        {
            writer.Space();
            WriteParameters(writer, multipart.ContentType.Parameters, null);
            writer.Space();
            WriteExtension(writer, multipart);
        }
        writer.Raw(")");
    }

    private static bool IsEncapsulatedMessage(ContentType type) =>
        type.IsMimeType("message", "rfc822") || type.IsMimeType("message", "global");

    /// <summary>body-fld-dsp SP body-fld-lang SP body-fld-loc.</summary>
    private static void WriteExtension(ImapResponseWriter writer, MimeEntity entity)
    {
        if (entity.ContentDisposition is { } disposition)
        {
            writer.Raw("(").String(disposition.Disposition.ToUpperInvariant()).Space();
            WriteParameters(writer, disposition.Parameters, null);
            writer.Raw(")");
        }
        else writer.Nil();
        writer.Space();
        var languages = Header(entity, HeaderId.ContentLanguage);
        if (languages is null) writer.Nil();
        else
        {
            var tags = languages.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (tags.Length == 1) writer.String(tags[0]);
            else
            {
                writer.Raw("(");
                for (int i = 0; i < tags.Length; i++) (i == 0 ? writer : writer.Space()).String(tags[i]);
                writer.Raw(")");
            }
        }
        writer.Space().NString(Header(entity, HeaderId.ContentLocation));
    }

    /// <summary>("NAME" "value" ...) or NIL; text parts without a charset get the RFC 2045 default.</summary>
    private static void WriteParameters(ImapResponseWriter writer, ParameterList parameters, string? defaultCharset)
    {
        var pairs = parameters.Select(p => (Name: p.Name.ToUpperInvariant(), p.Value)).ToList();
        if (defaultCharset is not null && !pairs.Any(p => p.Name == "CHARSET")) pairs.Insert(0, ("CHARSET", defaultCharset));
        if (pairs.Count == 0)
        {
            writer.Nil();
            return;
        }
        writer.Raw("(");
        for (int i = 0; i < pairs.Count; i++)
        {
            if (i > 0) writer.Space();
            writer.String(pairs[i].Name).Space().String(Ascii(pairs[i].Value));
        }
        writer.Raw(")");
    }

    /// <summary>Parameter values MimeKit decoded (RFC 2231) are re-encoded as encoded-words when not ASCII.</summary>
    private static string Ascii(string value) =>
        value.All(c => c < '\x80') ? value : Encoding.ASCII.GetString(Rfc2047.EncodeText(Encoding.UTF8, value));

    private static string? Header(MimeEntity entity, HeaderId id)
    {
        int index = entity.Headers.IndexOf(id);
        return index < 0 ? null : entity.Headers[index].Value.Trim();
    }
}
