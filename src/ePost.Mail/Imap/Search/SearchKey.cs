using System.Globalization;
using ePost.Mail.Imap.Sequences;

namespace ePost.Mail.Imap.Search;

/// <summary>A node of a SEARCH expression tree; <see cref="object.ToString"/> renders canonical IMAP syntax.</summary>
public abstract record SearchKey
{
    /// <summary>Quotes a search string for display.</summary>
    protected static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    /// <summary>Renders an RFC 3501 date ("1-Feb-1994").</summary>
    protected static string FormatDate(DateOnly date) => date.ToString("d-MMM-yyyy", CultureInfo.InvariantCulture);
}

/// <summary>ALL.</summary>
public sealed record SearchAll : SearchKey
{
    /// <inheritdoc/>
    public override string ToString() => "ALL";
}

/// <summary>A flag test: ANSWERED/DELETED/DRAFT/FLAGGED/SEEN, KEYWORD k (IsSet) or their UN- forms.</summary>
public sealed record SearchFlag(string Flag, bool IsSet) : SearchKey
{
    /// <inheritdoc/>
    public override string ToString() => Flag.StartsWith('\\')
        ? (IsSet ? "" : "UN") + Flag[1..].ToUpperInvariant()
        : (IsSet ? "KEYWORD " : "UNKEYWORD ") + Flag;
}

/// <summary>RECENT (IsRecent) or OLD; NEW is RECENT UNSEEN.</summary>
public sealed record SearchRecent(bool IsRecent) : SearchKey
{
    /// <inheritdoc/>
    public override string ToString() => IsRecent ? "RECENT" : "OLD";
}

/// <summary>BCC/CC/FROM/SUBJECT/TO value, or HEADER field value (case-insensitive substring).</summary>
public sealed record SearchHeader(string Field, string Value) : SearchKey
{
    private static readonly string[] Shorthands = ["BCC", "CC", "FROM", "SUBJECT", "TO"];

    /// <inheritdoc/>
    public override string ToString() => Shorthands.Contains(Field.ToUpperInvariant())
        ? $"{Field.ToUpperInvariant()} {Quote(Value)}"
        : $"HEADER {Field.ToUpperInvariant()} {Quote(Value)}";
}

/// <summary>BODY (body text only) or TEXT (header and body) substring.</summary>
public sealed record SearchText(string Value, bool IncludeHeaders) : SearchKey
{
    /// <inheritdoc/>
    public override string ToString() => (IncludeHeaders ? "TEXT " : "BODY ") + Quote(Value);
}

/// <summary>How a date key compares.</summary>
public enum DateComparison
{
    /// <summary>Strictly earlier day.</summary>
    Before,
    /// <summary>Same day.</summary>
    On,
    /// <summary>Same or later day.</summary>
    Since,
}

/// <summary>BEFORE/ON/SINCE (internal date) or SENTBEFORE/SENTON/SENTSINCE (Date: header), by day only.</summary>
public sealed record SearchDate(DateComparison Comparison, DateOnly Date, bool SentDate) : SearchKey
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"{(SentDate ? "SENT" : "")}{Comparison.ToString().ToUpperInvariant()} {FormatDate(Date)}";
}

/// <summary>SAVEDBEFORE/SAVEDON/SAVEDSINCE (RFC 8514), by day; a message without a save date uses its internal date.</summary>
public sealed record SearchSaveDate(DateComparison Comparison, DateOnly Date) : SearchKey
{
    /// <inheritdoc/>
    public override string ToString() => $"SAVED{Comparison.ToString().ToUpperInvariant()} {FormatDate(Date)}";
}

/// <summary>SAVEDATESUPPORTED (RFC 8514): every message of a mailbox that keeps save dates (all of ours do).</summary>
public sealed record SearchSaveDateSupported : SearchKey
{
    /// <inheritdoc/>
    public override string ToString() => "SAVEDATESUPPORTED";
}

/// <summary>EMAILID id (Thread false) or THREADID id (RFC 8474); ids compare exactly.</summary>
public sealed record SearchObjectId(string Id, bool Thread) : SearchKey
{
    /// <inheritdoc/>
    public override string ToString() => (Thread ? "THREADID " : "EMAILID ") + Id;
}

/// <summary>LARGER n (Larger) or SMALLER n, on RFC822.SIZE.</summary>
public sealed record SearchSize(uint Size, bool Larger) : SearchKey
{
    /// <inheritdoc/>
    public override string ToString() => (Larger ? "LARGER " : "SMALLER ") + Size;
}

/// <summary>A sequence-set key (message numbers) or UID set.</summary>
public sealed record SearchSequence(SequenceSet Set, bool Uid) : SearchKey
{
    /// <inheritdoc/>
    public override string ToString() => (Uid ? "UID " : "") + Set;
}

/// <summary>MODSEQ n (RFC 7162): messages whose mod-sequence is at least n.</summary>
public sealed record SearchModSeq(ulong ModSeq) : SearchKey
{
    /// <inheritdoc/>
    public override string ToString() => "MODSEQ " + ModSeq;
}

/// <summary>NOT key.</summary>
public sealed record SearchNot(SearchKey Key) : SearchKey
{
    /// <inheritdoc/>
    public override string ToString() => "NOT " + Key;
}

/// <summary>OR key1 key2.</summary>
public sealed record SearchOr(SearchKey Left, SearchKey Right) : SearchKey
{
    /// <inheritdoc/>
    public override string ToString() => $"OR {Left} {Right}";
}

/// <summary>Keys that must all match: the top level of SEARCH and every parenthesized list.</summary>
public sealed record SearchAnd(IReadOnlyList<SearchKey> Keys) : SearchKey
{
    /// <inheritdoc/>
    public override string ToString() => "(" + string.Join(' ', Keys) + ")";
}
