using ePost.Mail.Imap.Commands;
using ePost.Mail.Imap.Protocol;
using ePost.Mail.Imap.Sequences;

namespace ePost.Mail.Imap.Search;

/// <summary>Parses the complete RFC 3501 SEARCH grammar (plus MODSEQ) into a <see cref="SearchKey"/> tree.</summary>
/// <remarks>Recursion (lists, NOT, OR) is bounded by the nesting limit, so "NOT NOT NOT ..." costs a BAD, not a stack.</remarks>
internal sealed class SearchParser(ImapTokenCursor cursor, int maxDepth)
{
    /// <summary>Charsets we can search in; anything else gets NO [BADCHARSET] as RFC 3501 asks.</summary>
    public static readonly string[] SupportedCharsets = ["UTF-8", "US-ASCII"];

    public SearchCommand Command(string tag, bool uid)
    {
        cursor.Space();
        string? charset = null;
        if (cursor.TryKeyword("CHARSET"))
        {
            cursor.Space();
            charset = cursor.AString().ToUpperInvariant();
            if (!SupportedCharsets.Contains(charset))
                throw new ImapParseException($"Charset {charset} is not supported", ImapStatus.No,
                    $"BADCHARSET ({string.Join(' ', SupportedCharsets)})");
            cursor.Space();
        }
        var keys = new List<SearchKey> { Key(1) };
        while (cursor.TrySpace()) keys.Add(Key(1));
        return new SearchCommand(tag, uid, charset, keys.Count == 1 ? keys[0] : new SearchAnd(keys));
    }

    private SearchKey Key(int depth)
    {
        if (depth > maxDepth) throw new ImapParseException($"Search keys nested deeper than {maxDepth}");
        int next = cursor.Peek();
        if (next == '(')
            return new SearchAnd(cursor.ParenList(() => Key(depth + 1), allowEmpty: false));
        if (next is >= '0' and <= '9' or '*')
            return new SearchSequence(SequenceSet.Read(cursor), Uid: false);
        string name = cursor.Keyword();
        return name switch
        {
            "ALL" => new SearchAll(),
            "ANSWERED" or "DELETED" or "DRAFT" or "FLAGGED" or "SEEN" => new SearchFlag(SystemFlag(name), true),
            "UNANSWERED" or "UNDELETED" or "UNDRAFT" or "UNFLAGGED" or "UNSEEN" => new SearchFlag(SystemFlag(name[2..]), false),
            "KEYWORD" => new SearchFlag(Arg(cursor.Atom), true),
            "UNKEYWORD" => new SearchFlag(Arg(cursor.Atom), false),
            "NEW" => new SearchAnd([new SearchRecent(true), new SearchFlag("\\Seen", false)]),
            "OLD" => new SearchRecent(false),
            "RECENT" => new SearchRecent(true),
            "BCC" or "CC" or "FROM" or "SUBJECT" or "TO" => new SearchHeader(name, Arg(cursor.AString)),
            "HEADER" => Header(),
            "BODY" => new SearchText(Arg(cursor.AString), IncludeHeaders: false),
            "TEXT" => new SearchText(Arg(cursor.AString), IncludeHeaders: true),
            "BEFORE" => Date(DateComparison.Before, sent: false),
            "ON" => Date(DateComparison.On, sent: false),
            "SINCE" => Date(DateComparison.Since, sent: false),
            "SENTBEFORE" => Date(DateComparison.Before, sent: true),
            "SENTON" => Date(DateComparison.On, sent: true),
            "SENTSINCE" => Date(DateComparison.Since, sent: true),
            "LARGER" => new SearchSize(Arg(cursor.Number), Larger: true),
            "SMALLER" => new SearchSize(Arg(cursor.Number), Larger: false),
            "UID" => new SearchSequence(Arg(() => SequenceSet.Read(cursor)), Uid: true),
            "MODSEQ" => ModSeq(),
            "NOT" => new SearchNot(Arg(() => Key(depth + 1))),
            "OR" => Or(depth),
            _ => throw cursor.Error($"Unknown search key {(name.Length > 32 ? name[..32] : name)}"),
        };
    }

    private T Arg<T>(Func<T> read)
    {
        cursor.Space();
        return read();
    }

    private SearchOr Or(int depth)
    {
        var left = Arg(() => Key(depth + 1));
        return new SearchOr(left, Arg(() => Key(depth + 1)));
    }

    private SearchHeader Header()
    {
        string field = Arg(cursor.AString);
        return new SearchHeader(field, Arg(cursor.AString));
    }

    private SearchDate Date(DateComparison comparison, bool sent) =>
        new(comparison, ImapDateFormat.ParseDate(Arg(cursor.AString)), sent);

    /// <summary>MODSEQ [entry-name entry-type-req] mod-sequence-valzer; the entry (per-flag modseq) is accepted and ignored.</summary>
    private SearchModSeq ModSeq()
    {
        cursor.Space();
        if (cursor.Peek() == '"')
        {
            cursor.String();
            string type = Arg(cursor.Keyword);
            if (type is not ("PRIV" or "SHARED" or "ALL")) throw cursor.Error("Invalid MODSEQ entry type");
            cursor.Space();
        }
        return new SearchModSeq(cursor.Number64());
    }

    private static string SystemFlag(string name) => "\\" + name[0] + name[1..].ToLowerInvariant();
}
