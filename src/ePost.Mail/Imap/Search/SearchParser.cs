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

    /// <summary>RFC 4731 ESEARCH result options and RFC 5182 SAVE.</summary>
    public static readonly string[] ReturnOptions = ["MIN", "MAX", "ALL", "COUNT", "SAVE"];

    public SearchCommand Command(string tag, bool uid)
    {
        cursor.Space();
        IReadOnlyList<string>? returnOptions = null;
        if (cursor.TryKeyword("RETURN"))
        {
            // RFC 4731 §3.1: RETURN () means RETURN (ALL); an option given twice or unknown is a syntax error.
            cursor.Space();
            var options = cursor.ParenList(() =>
            {
                string option = cursor.Keyword();
                return ReturnOptions.Contains(option) ? option : throw cursor.Error($"Unknown SEARCH return option {(option.Length > 32 ? option[..32] : option)}");
            }, allowEmpty: true);
            if (options.Distinct().Count() != options.Count) throw cursor.Error("A SEARCH return option is given twice");
            returnOptions = options.Count == 0 ? ["ALL"] : options;
            cursor.Space();
        }
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
        return new SearchCommand(tag, uid, charset, keys.Count == 1 ? keys[0] : new SearchAnd(keys)) { Return = returnOptions };
    }

    private SearchKey Key(int depth)
    {
        if (depth > maxDepth) throw new ImapParseException($"Search keys nested deeper than {maxDepth}");
        int next = cursor.Peek();
        if (next == '(')
            return new SearchAnd(cursor.ParenList(() => Key(depth + 1), allowEmpty: false));
        if (next is >= '0' and <= '9' or '*' or '$')
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
            "SAVEDBEFORE" => new SearchSaveDate(DateComparison.Before, ImapDateFormat.ParseDate(Arg(cursor.AString))),
            "SAVEDON" => new SearchSaveDate(DateComparison.On, ImapDateFormat.ParseDate(Arg(cursor.AString))),
            "SAVEDSINCE" => new SearchSaveDate(DateComparison.Since, ImapDateFormat.ParseDate(Arg(cursor.AString))),
            "SAVEDATESUPPORTED" => new SearchSaveDateSupported(),
            "EMAILID" => new SearchObjectId(Arg(ObjectId), Thread: false),
            "THREADID" => new SearchObjectId(Arg(ObjectId), Thread: true),
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

    /// <summary>RFC 8474 objectid: 1 to 255 of ALPHA DIGIT "_" "-".</summary>
    private string ObjectId()
    {
        string id = cursor.ReadWhile(b => b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9'
            or (byte)'_' or (byte)'-');
        if (id.Length is 0 or > 255) throw cursor.Error("An object id is 1 to 255 letters, digits, '_' or '-'");
        return id;
    }

    private static string SystemFlag(string name) => "\\" + name[0] + name[1..].ToLowerInvariant();
}
