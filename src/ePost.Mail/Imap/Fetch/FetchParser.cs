using ePost.Mail.Imap.Commands;
using ePost.Mail.Imap.Protocol;
using ePost.Mail.Imap.Sequences;

namespace ePost.Mail.Imap.Fetch;

/// <summary>Parses FETCH arguments: sequence set, macros, attributes, sections and partials, CHANGEDSINCE.</summary>
internal static class FetchParser
{
    /// <summary>Part numbers nest at most this deep; real messages stay far below.</summary>
    private const int MaxPartDepth = 32;

    private static readonly FetchItem[] Fast =
    [
        new FetchAttribute(FetchAttributeKind.Flags), new FetchAttribute(FetchAttributeKind.InternalDate),
        new FetchAttribute(FetchAttributeKind.Rfc822Size),
    ];

    public static FetchCommand Command(string tag, ImapTokenCursor cursor, bool uid)
    {
        cursor.Space();
        var set = SequenceSet.Read(cursor);
        cursor.Space();
        var items = cursor.Peek() == '('
            ? cursor.ParenList(() => Item(cursor), allowEmpty: false).SelectMany(i => i).ToList()
            : Item(cursor).ToList();
        ulong? changedSince = null;
        bool vanished = false;
        if (cursor.TrySpace())
        {
            foreach (var (modifier, value) in cursor.ParenList(() => FetchModifier(cursor), allowEmpty: false))
            {
                if (modifier == "VANISHED" ? vanished : changedSince is not null) throw cursor.Error($"{modifier} given twice");
                if (modifier == "VANISHED") vanished = true;
                else changedSince = value;
            }
            if (changedSince is null) throw cursor.Error("FETCH modifiers need CHANGEDSINCE");
            // RFC 7162 §3.2.6: VANISHED only with UID FETCH and CHANGEDSINCE.
            if (vanished && !uid) throw cursor.Error("VANISHED needs UID FETCH");
            if (!items.Contains(new FetchAttribute(FetchAttributeKind.ModSeq))) items.Add(new FetchAttribute(FetchAttributeKind.ModSeq));
        }
        if (uid && !items.Contains(new FetchAttribute(FetchAttributeKind.Uid)))
            items.Insert(0, new FetchAttribute(FetchAttributeKind.Uid));
        return new FetchCommand(tag, uid, set, items, changedSince) { Vanished = vanished };
    }

    private static (string Name, ulong Value) FetchModifier(ImapTokenCursor cursor)
    {
        string name = cursor.Keyword();
        switch (name)
        {
            case "CHANGEDSINCE":
                cursor.Space();
                return (name, cursor.Number64());
            case "VANISHED":
                return (name, 0);
            default:
                throw cursor.Error($"Unknown FETCH modifier {(name.Length > 32 ? name[..32] : name)}");
        }
    }

    /// <summary>One attribute, or the items a macro stands for.</summary>
    private static IEnumerable<FetchItem> Item(ImapTokenCursor cursor)
    {
        string name = cursor.AttributeName();
        switch (name)
        {
            case "ALL": return [.. Fast, new FetchAttribute(FetchAttributeKind.Envelope)];
            case "FAST": return Fast;
            case "FULL": return [.. Fast, new FetchAttribute(FetchAttributeKind.Envelope), new FetchAttribute(FetchAttributeKind.Body)];
            case "ENVELOPE": return [new FetchAttribute(FetchAttributeKind.Envelope)];
            case "FLAGS": return [new FetchAttribute(FetchAttributeKind.Flags)];
            case "INTERNALDATE": return [new FetchAttribute(FetchAttributeKind.InternalDate)];
            case "RFC822.SIZE": return [new FetchAttribute(FetchAttributeKind.Rfc822Size)];
            case "UID": return [new FetchAttribute(FetchAttributeKind.Uid)];
            case "BODYSTRUCTURE": return [new FetchAttribute(FetchAttributeKind.BodyStructure)];
            case "MODSEQ": return [new FetchAttribute(FetchAttributeKind.ModSeq)];
            case "EMAILID": return [new FetchAttribute(FetchAttributeKind.EmailId)];
            case "THREADID": return [new FetchAttribute(FetchAttributeKind.ThreadId)];
            case "SAVEDATE": return [new FetchAttribute(FetchAttributeKind.SaveDate)];
            case "PREVIEW":
                // RFC 8970 §4: PREVIEW [SP "(" "LAZY" ")"]; LAZY only allows NIL, which this server never needs. A
                // list after it is its modifier, except the FETCH modifier of "FETCH 1 PREVIEW (CHANGEDSINCE 5)".
                if (cursor.LooksAt(" (") && !cursor.LooksAt(" (CHANGEDSINCE"))
                {
                    cursor.Space();
                    foreach (string modifier in cursor.ParenList(cursor.Keyword, allowEmpty: false))
                        if (modifier != "LAZY") throw cursor.Error($"Unknown PREVIEW modifier {(modifier.Length > 32 ? modifier[..32] : modifier)}");
                }
                return [new FetchAttribute(FetchAttributeKind.Preview)];
            case "RFC822": return [new FetchRfc822(Rfc822ItemKind.Whole)];
            case "RFC822.HEADER": return [new FetchRfc822(Rfc822ItemKind.Header)];
            case "RFC822.TEXT": return [new FetchRfc822(Rfc822ItemKind.Text)];
            case "BODY" when cursor.Peek() != '[': return [new FetchAttribute(FetchAttributeKind.Body)];
            case "BODY" or "BODY.PEEK":
                return [new FetchBodySection(Section(cursor), name == "BODY.PEEK", Partial(cursor))];
            case "BINARY" or "BINARY.PEEK":
                return [new FetchBodySection(BinarySection(cursor), name == "BINARY.PEEK", Partial(cursor), BodyFetchKind.Binary)];
            case "BINARY.SIZE":
                return [new FetchBodySection(BinarySection(cursor), true, null, BodyFetchKind.BinarySize)];
            default: throw cursor.Error($"Unknown FETCH attribute {name}");
        }
    }

    /// <summary>"[" section-spec "]".</summary>
    private static BodySection Section(ImapTokenCursor cursor)
    {
        cursor.Expect('[');
        var part = PartNumbers(cursor, out bool textFollows);
        var kind = SectionKind.Content;
        var fields = new List<string>();
        if (textFollows)
        {
            string text = cursor.ReadWhile(b => b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or (byte)'.')
                .ToUpperInvariant();
            kind = text switch
            {
                "HEADER" => SectionKind.Header,
                "HEADER.FIELDS" => SectionKind.HeaderFields,
                "HEADER.FIELDS.NOT" => SectionKind.HeaderFieldsNot,
                "TEXT" => SectionKind.Text,
                "MIME" when part.Count > 0 => SectionKind.Mime,
                _ => throw cursor.Error($"Invalid section text '{text}'"),
            };
            if (kind is SectionKind.HeaderFields or SectionKind.HeaderFieldsNot)
            {
                cursor.Space();
                fields = cursor.ParenList(() => FieldName(cursor), allowEmpty: false);
            }
        }
        cursor.Expect(']');
        return new BodySection(part, kind, fields);
    }

    /// <summary>"[" [part] "]" for BINARY: part numbers only.</summary>
    private static BodySection BinarySection(ImapTokenCursor cursor)
    {
        cursor.Expect('[');
        var part = PartNumbers(cursor, out bool textFollows);
        if (textFollows) throw cursor.Error("BINARY takes part numbers only");
        cursor.Expect(']');
        return new BodySection(part, SectionKind.Content, []);
    }

    /// <summary>nz-number *("." nz-number); <paramref name="textFollows"/> when a section text comes next.</summary>
    private static List<int> PartNumbers(ImapTokenCursor cursor, out bool textFollows)
    {
        var part = new List<int>();
        while (cursor.Peek() is >= '0' and <= '9')
        {
            uint n = cursor.NzNumber();
            if (n > int.MaxValue || part.Count >= MaxPartDepth) throw cursor.Error("Part number too large or too deep");
            part.Add((int)n);
            if (!cursor.TryConsume('.'))
            {
                textFollows = false;
                return part;
            }
        }
        textFollows = cursor.Peek() != ']';
        if (part.Count > 0 && !textFollows) throw cursor.Error("Section part ends with '.'");
        return part;
    }

    private static string FieldName(ImapTokenCursor cursor)
    {
        string name = cursor.AString();
        if (name.Length == 0 || name.Any(c => c is <= ' ' or >= '\x7f' or ':'))
            throw cursor.Error("Invalid header field name");
        return name.ToUpperInvariant();
    }

    /// <summary>Optional "&lt;" origin "." nz-size "&gt;".</summary>
    private static FetchPartial? Partial(ImapTokenCursor cursor)
    {
        if (!cursor.TryConsume('<')) return null;
        long origin = (long)cursor.Number64();
        cursor.Expect('.');
        long size = (long)cursor.Number64();
        if (size == 0) throw cursor.Error("Partial size must not be zero");
        cursor.Expect('>');
        return new FetchPartial(origin, size);
    }
}
