namespace ePost.Mail.Imap.Fetch;

/// <summary>How much of a message a FETCH must load: nothing, the header block only, or all of it.</summary>
public enum FetchContentNeed
{
    /// <summary>UID, FLAGS, INTERNALDATE, RFC822.SIZE, MODSEQ, EMAILID, SAVEDATE: the folder state answers them.</summary>
    None,

    /// <summary>ENVELOPE, THREADID and top-level header sections: the header block is enough.</summary>
    Header,

    /// <summary>Bodies, parts, BODYSTRUCTURE: the whole message.</summary>
    Whole,
}

/// <summary>
/// Decides how much a FETCH needs and cuts the header block, so the common client sync (FLAGS, ENVELOPE, header
/// fields of every message) parses a few hundred bytes per message instead of whole messages.
/// </summary>
public static class FetchContent
{
    /// <summary>The most any of <paramref name="items"/> needs.</summary>
    public static FetchContentNeed Of(IEnumerable<FetchItem> items) =>
        items.Select(Of).DefaultIfEmpty(FetchContentNeed.None).Max();

    private static FetchContentNeed Of(FetchItem item) => item switch
    {
        FetchAttribute { Kind: FetchAttributeKind.Envelope or FetchAttributeKind.ThreadId } => FetchContentNeed.Header,
        FetchAttribute { Kind: FetchAttributeKind.BodyStructure or FetchAttributeKind.Body or FetchAttributeKind.Preview } => FetchContentNeed.Whole,
        FetchAttribute => FetchContentNeed.None,
        FetchRfc822 { Kind: Rfc822ItemKind.Header } => FetchContentNeed.Header,
        FetchBodySection { Kind: BodyFetchKind.Body, Section: { Part.Count: 0, Kind: SectionKind.Header or SectionKind.HeaderFields or SectionKind.HeaderFieldsNot } }
            => FetchContentNeed.Header,
        _ => FetchContentNeed.Whole,
    };

    /// <summary>
    /// The message's header block including the empty line that ends it (CRLF CRLF, or LF LF from sloppy senders);
    /// the whole message when it has no body.
    /// </summary>
    public static ReadOnlyMemory<byte> HeaderBlock(ReadOnlyMemory<byte> message)
    {
        var span = message.Span;
        int crlf = span.IndexOf("\r\n\r\n"u8);
        int lf = span.IndexOf("\n\n"u8);
        if (crlf < 0 && lf < 0) return message;
        int end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf + 4 : lf + 2;
        return message[..end];
    }
}
