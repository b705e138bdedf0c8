using ePost.Mail.Imap.Mime;
using ePost.Mail.Imap.Protocol;

namespace ePost.Mail.Imap.Fetch;

/// <summary>The per-message facts a FETCH response may need; <see cref="Content"/> is loaded only when an item needs it.</summary>
/// <param name="Flags">Flags as the client sees them (including \Recent, and \Seen already set if this FETCH sets it).</param>
public sealed record FetchableMessage(uint Uid, IEnumerable<string> Flags, DateTimeOffset InternalDate, ulong ModSeq, Lazy<ImapMessage> Content)
{
    /// <summary>RFC822.SIZE when the store already knows it, so FETCH (FLAGS RFC822.SIZE) never loads the message.</summary>
    public long? KnownSize { get; init; }

    /// <summary>RFC 8474 EMAILID from the store, or null when it has none (answered NIL).</summary>
    public string? EmailId { get; init; }

    /// <summary>RFC 8514 save date from the store, or null when it does not know it (answered NIL).</summary>
    public DateTimeOffset? SaveDate { get; init; }
}

/// <summary>Writes the complete "* n FETCH (...)" response for one message and a list of items.</summary>
public static class FetchResponder
{
    /// <summary>Writes the response; items are answered in request order.</summary>
    public static void Write(ImapResponseWriter writer, uint sequenceNumber, FetchableMessage message, IReadOnlyList<FetchItem> items)
    {
        var response = new FetchResponseBuilder(writer, sequenceNumber);
        foreach (var item in items)
        {
            switch (item)
            {
                case FetchAttribute attribute:
                    WriteAttribute(response.Item(attribute.Name), attribute.Kind, message);
                    break;
                case FetchRfc822 rfc822:
                    response.Item(rfc822.Name).NLiteral(SectionExtractor.Extract(message.Content.Value, rfc822.Section));
                    break;
                case FetchBodySection { Kind: BodyFetchKind.Body } body:
                    response.Item(body.ResponseName).NLiteral(SectionExtractor.Extract(message.Content.Value, body.Section, body.Partial));
                    break;
                case FetchBodySection binary:
                    WriteBinary(response.Item(binary.ResponseName), binary, message.Content.Value);
                    break;
            }
        }
        response.End();
    }

    private static void WriteAttribute(ImapResponseWriter writer, FetchAttributeKind kind, FetchableMessage message)
    {
        switch (kind)
        {
            case FetchAttributeKind.Uid: writer.Number(message.Uid); break;
            case FetchAttributeKind.Flags: writer.FlagList(message.Flags); break;
            case FetchAttributeKind.InternalDate: writer.DateTime(message.InternalDate); break;
            case FetchAttributeKind.ModSeq: writer.Raw("(").Number(message.ModSeq).Raw(")"); break;
            case FetchAttributeKind.Rfc822Size: writer.Number((ulong)(message.KnownSize ?? message.Content.Value.Size)); break;
            case FetchAttributeKind.Envelope: EnvelopeWriter.Write(writer, message.Content.Value.Message); break;
            case FetchAttributeKind.BodyStructure: BodyStructureWriter.Write(writer, message.Content.Value, extensible: true); break;
            case FetchAttributeKind.Body: BodyStructureWriter.Write(writer, message.Content.Value, extensible: false); break;
            case FetchAttributeKind.Preview: writer.String(PreviewText.Of(message.Content.Value.Message)); break;
            // RFC 8474 §7: objectids are parenthesized, NIL when there is none.
            case FetchAttributeKind.EmailId: ObjectId(writer, message.EmailId); break;
            case FetchAttributeKind.ThreadId: ObjectId(writer, ThreadId.Of(message.Content.Value.Message)); break;
            case FetchAttributeKind.SaveDate:
                if (message.SaveDate is { } saved) writer.DateTime(saved);
                else writer.Nil();
                break;
        }
    }

    private static void ObjectId(ImapResponseWriter writer, string? id)
    {
        if (id is null) writer.Nil();
        else writer.Raw("(").Raw(id).Raw(")");
    }

    /// <summary>
    /// False when a BINARY item names a part whose transfer encoding the server cannot undo: the message must be
    /// left out and the FETCH fail with [UNKNOWN-CTE] (RFC 3516 §4.1), so nothing is sent for it.
    /// </summary>
    public static bool CanDecode(FetchableMessage message, IReadOnlyList<FetchItem> items) =>
        items.All(item => item is not FetchBodySection { Kind: not BodyFetchKind.Body } binary
            || SectionExtractor.CanDecode(message.Content.Value, binary.Section.Part));

    /// <summary>BINARY is a literal, a literal8 (~{n}) when the decoded bytes contain NUL; BINARY.SIZE their length.</summary>
    private static void WriteBinary(ImapResponseWriter writer, FetchBodySection item, ImapMessage content)
    {
        var decoded = SectionExtractor.ExtractBinary(content, item.Section.Part);
        if (decoded is null)
        {
            writer.Nil();
            return;
        }
        if (item.Kind == BodyFetchKind.BinarySize)
        {
            writer.Number((ulong)decoded.Length);
            return;
        }
        writer.BinaryLiteral((item.Partial is { } partial ? SectionExtractor.ApplyPartial(decoded, partial) : decoded).Span);
    }
}
