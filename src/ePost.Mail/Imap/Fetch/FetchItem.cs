namespace ePost.Mail.Imap.Fetch;

/// <summary>One data item of a FETCH request.</summary>
public abstract record FetchItem
{
    /// <summary>True when serving this item sets \Seen (RFC 3501: BODY[...] without .PEEK, RFC822, RFC822.TEXT).</summary>
    public virtual bool SetsSeen => false;
}

/// <summary>The simple attributes that need no arguments.</summary>
public enum FetchAttributeKind
{
    /// <summary>ENVELOPE.</summary>
    Envelope,
    /// <summary>FLAGS.</summary>
    Flags,
    /// <summary>INTERNALDATE.</summary>
    InternalDate,
    /// <summary>RFC822.SIZE.</summary>
    Rfc822Size,
    /// <summary>UID.</summary>
    Uid,
    /// <summary>BODYSTRUCTURE (extensible form).</summary>
    BodyStructure,
    /// <summary>BODY (non-extensible form).</summary>
    Body,
    /// <summary>MODSEQ (RFC 7162).</summary>
    ModSeq,
    /// <summary>PREVIEW (RFC 8970); PREVIEW (LAZY) is answered the same way, as the preview is always computed.</summary>
    Preview,
    /// <summary>EMAILID (RFC 8474): the content's id, kept by COPY and MOVE.</summary>
    EmailId,
    /// <summary>THREADID (RFC 8474): the id of the thread the message's References / In-Reply-To put it in.</summary>
    ThreadId,
    /// <summary>SAVEDATE (RFC 8514): when the message was filed into this mailbox.</summary>
    SaveDate,
}

/// <summary>A fetch attribute without arguments.</summary>
public sealed record FetchAttribute(FetchAttributeKind Kind) : FetchItem
{
    /// <summary>The name used in requests and responses.</summary>
    public string Name => Kind switch
    {
        FetchAttributeKind.Rfc822Size => "RFC822.SIZE",
        FetchAttributeKind.InternalDate => "INTERNALDATE",
        FetchAttributeKind.BodyStructure => "BODYSTRUCTURE",
        _ => Kind.ToString().ToUpperInvariant(),
    };
}

/// <summary>The RFC822, RFC822.HEADER and RFC822.TEXT items (old names for BODY[], BODY.PEEK[HEADER], BODY[TEXT]).</summary>
public enum Rfc822ItemKind
{
    /// <summary>RFC822: the whole message; sets \Seen.</summary>
    Whole,
    /// <summary>RFC822.HEADER: the header; does not set \Seen.</summary>
    Header,
    /// <summary>RFC822.TEXT: the body; sets \Seen.</summary>
    Text,
}

/// <summary>RFC822, RFC822.HEADER or RFC822.TEXT; answered under the same name.</summary>
public sealed record FetchRfc822(Rfc822ItemKind Kind) : FetchItem
{
    /// <inheritdoc/>
    public override bool SetsSeen => Kind != Rfc822ItemKind.Header;

    /// <summary>The equivalent section.</summary>
    public BodySection Section => Kind switch
    {
        Rfc822ItemKind.Header => new BodySection([], SectionKind.Header, []),
        Rfc822ItemKind.Text => new BodySection([], SectionKind.Text, []),
        _ => BodySection.Whole,
    };

    /// <summary>The name used in requests and responses.</summary>
    public string Name => Kind switch
    {
        Rfc822ItemKind.Header => "RFC822.HEADER",
        Rfc822ItemKind.Text => "RFC822.TEXT",
        _ => "RFC822",
    };
}

/// <summary>A byte range &lt;origin.size&gt; of a section.</summary>
public readonly record struct FetchPartial(long Origin, long Size);

/// <summary>BODY[section]&lt;partial&gt;, BODY.PEEK[...], BINARY[...], BINARY.PEEK[...] (RFC 3516) or BINARY.SIZE[...].</summary>
public sealed record FetchBodySection(BodySection Section, bool Peek, FetchPartial? Partial, BodyFetchKind Kind = BodyFetchKind.Body)
    : FetchItem
{
    /// <inheritdoc/>
    public override bool SetsSeen => !Peek && Kind != BodyFetchKind.BinarySize;

    /// <summary>The item name as echoed in the response: "BODY[1.HEADER.FIELDS (FROM)]&lt;0&gt;" (origin only, no .PEEK).</summary>
    public string ResponseName
    {
        get
        {
            string prefix = Kind switch { BodyFetchKind.Binary => "BINARY", BodyFetchKind.BinarySize => "BINARY.SIZE", _ => "BODY" };
            string partial = Partial is { } p ? $"<{p.Origin}>" : "";
            return $"{prefix}[{Section}]{partial}";
        }
    }
}

/// <summary>Which family a section item belongs to.</summary>
public enum BodyFetchKind
{
    /// <summary>BODY[...] / BODY.PEEK[...]: the bytes as stored.</summary>
    Body,
    /// <summary>BINARY[...]: the content-transfer-decoded bytes of a leaf part.</summary>
    Binary,
    /// <summary>BINARY.SIZE[...]: the decoded size.</summary>
    BinarySize,
}
