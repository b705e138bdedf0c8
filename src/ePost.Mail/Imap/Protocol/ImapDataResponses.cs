namespace ePost.Mail.Imap.Protocol;

/// <summary>The untagged data responses whose syntax has corner cases: LIST/LSUB, STATUS, SEARCH, NAMESPACE, ID.</summary>
public static class ImapDataResponses
{
    /// <summary>The hierarchy delimiter of every ePost mailbox tree.</summary>
    public const char HierarchyDelimiter = '/';

    /// <summary>"* LIST (attributes) "/" name" (or LSUB); the name is modified UTF-7 encoded.</summary>
    public static void List(ImapResponseWriter writer, IEnumerable<string> attributes, string mailbox, bool lsub = false,
        IReadOnlyList<string>? childInfo = null)
    {
        writer.Raw(lsub ? "* LSUB " : "* LIST ").FlagList(attributes).Raw(" \"").Raw(HierarchyDelimiter.ToString()).Raw("\" ")
            .Mailbox(mailbox);
        // RFC 5258 §3.5: ("CHILDINFO" ("SUBSCRIBED")) says a descendant meets the selection criteria.
        if (childInfo is { Count: > 0 }) writer.Raw(" (\"CHILDINFO\" (").Raw(string.Join(' ', childInfo.Select(c => $"\"{c}\""))).Raw("))");
        writer.EndLine();
    }

    /// <summary>"* STATUS name (ITEM value ...)" with values already in their IMAP form ("MAILBOXID (F1)" is not a number).</summary>
    public static void Status(ImapResponseWriter writer, string mailbox, IEnumerable<KeyValuePair<string, string>> items)
    {
        writer.Raw("* STATUS ").Mailbox(mailbox).Raw(" (");
        bool first = true;
        foreach (var (name, value) in items)
        {
            if (!first) writer.Space();
            first = false;
            writer.Raw(name).Space().Raw(value);
        }
        writer.Raw(")").EndLine();
    }

    /// <summary>"* SEARCH n n ..." with "(MODSEQ m)" when a CONDSTORE search asked for it and something matched.</summary>
    public static void Search(ImapResponseWriter writer, IEnumerable<uint> numbers, ulong? highestModSeq = null)
    {
        writer.Raw("* SEARCH");
        bool any = false;
        foreach (uint n in numbers)
        {
            writer.Space().Number(n);
            any = true;
        }
        if (any && highestModSeq is { } modSeq) writer.Raw(" (MODSEQ ").Number(modSeq).Raw(")");
        writer.EndLine();
    }

    /// <summary>
    /// RFC 4731 "* ESEARCH (TAG "t") [UID] [MIN n] [MAX n] [COUNT n] [ALL set] [MODSEQ m]": MIN, MAX and ALL only when
    /// something matched, COUNT always when asked; MODSEQ (RFC 7162 §3.1.5) when a MODSEQ key was used and something matched.
    /// </summary>
    public static void ExtendedSearch(ImapResponseWriter writer, string tag, bool uid, IReadOnlyList<uint> numbers,
        IReadOnlyCollection<string> options, ulong? highestModSeq)
    {
        writer.Raw("* ESEARCH (TAG \"").Raw(tag).Raw("\")");
        if (uid) writer.Raw(" UID");
        if (numbers.Count > 0 && options.Contains("MIN")) writer.Raw(" MIN ").Number(numbers.Min());
        if (numbers.Count > 0 && options.Contains("MAX")) writer.Raw(" MAX ").Number(numbers.Max());
        if (options.Contains("COUNT")) writer.Raw(" COUNT ").Number((ulong)numbers.Count);
        if (numbers.Count > 0 && options.Contains("ALL")) writer.Raw(" ALL ").Raw(Sequences.SequenceSet.FromNumbers(numbers).ToString());
        if (numbers.Count > 0 && highestModSeq is { } modSeq) writer.Raw(" MODSEQ ").Number(modSeq);
        writer.EndLine();
    }

    /// <summary>"* NAMESPACE ((&quot;&quot; "/")) NIL NIL": one personal namespace, no shared or other users' ones.</summary>
    public static void Namespace(ImapResponseWriter writer) =>
        writer.Raw("* NAMESPACE ((\"\" \"").Raw(HierarchyDelimiter.ToString()).Raw("\")) NIL NIL").EndLine();

    /// <summary>"* ID ("name" "value" ...)" or "* ID NIL".</summary>
    public static void Id(ImapResponseWriter writer, IReadOnlyList<KeyValuePair<string, string?>>? fields)
    {
        writer.Raw("* ID ");
        if (fields is null || fields.Count == 0)
        {
            writer.Nil().EndLine();
            return;
        }
        writer.Raw("(");
        for (int i = 0; i < fields.Count; i++)
        {
            if (i > 0) writer.Space();
            writer.String(fields[i].Key).Space().NString(fields[i].Value);
        }
        writer.Raw(")").EndLine();
    }

    /// <summary>The UIDPLUS (RFC 4315) code of a successful APPEND: "APPENDUID uidvalidity uid".</summary>
    public static string AppendUidCode(uint uidValidity, uint uid) => $"APPENDUID {uidValidity} {uid}";

    /// <summary>The UIDPLUS code of COPY/MOVE: "COPYUID uidvalidity source-uids destination-uids", pairs in matching order.</summary>
    public static string CopyUidCode(uint destinationUidValidity, IReadOnlyList<(uint Source, uint Destination)> pairs) =>
        $"COPYUID {destinationUidValidity} {Sequences.SequenceSet.InOrder(pairs.Select(p => p.Source))} " +
        $"{Sequences.SequenceSet.InOrder(pairs.Select(p => p.Destination))}";
}
