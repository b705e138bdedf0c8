using ePost.Mail.Imap.Protocol;

namespace ePost.Mail.Imap.Commands;

/// <summary>Arguments of the mailbox commands: names, LIST patterns and options, STATUS items, APPEND.</summary>
internal static class MailboxCommandParser
{
    private static readonly HashSet<string> StatusItems =
        ["MESSAGES", "RECENT", "UIDNEXT", "UIDVALIDITY", "UNSEEN", "HIGHESTMODSEQ", "SIZE", "DELETED", "MAILBOXID"];

    private static readonly HashSet<string> SpecialUses =
        ["\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Junk", "\\Sent", "\\Trash"];

    /// <summary>SP mailbox, as the only argument.</summary>
    public static string Argument(ImapTokenCursor cursor)
    {
        cursor.Space();
        return Mailbox(cursor);
    }

    /// <summary>A mailbox name: astring, INBOX normalised, modified UTF-7 decoded.</summary>
    public static string Mailbox(ImapTokenCursor cursor)
    {
        string raw = cursor.AString();
        if (string.Equals(raw, "INBOX", StringComparison.OrdinalIgnoreCase)) return "INBOX";
        return cursor.Utf8Accept ? raw : Decode(raw);
    }

    public static SelectCommand Select(string tag, ImapTokenCursor cursor, bool readOnly)
    {
        string mailbox = Argument(cursor);
        bool condStore = false;
        QResyncParameters? qresync = null;
        if (cursor.TrySpace())
        {
            cursor.ParenList(() =>
            {
                string parameter = cursor.Keyword();
                switch (parameter)
                {
                    case "CONDSTORE":
                        condStore = true;
                        break;
                    case "QRESYNC" when qresync is null:
                        qresync = QResync(cursor);
                        break;
                    default:
                        throw cursor.Error($"Unknown or repeated SELECT parameter {(parameter.Length > 32 ? parameter[..32] : parameter)}");
                }
                return parameter;
            }, allowEmpty: true);
        }
        return new SelectCommand(tag, mailbox, readOnly, condStore) { QResync = qresync };
    }

    /// <summary>SP "(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")" (RFC 7162 §3.2.5).</summary>
    private static QResyncParameters QResync(ImapTokenCursor cursor)
    {
        cursor.Space();
        cursor.Expect('(');
        uint uidValidity = cursor.NzNumber();
        cursor.Space();
        ulong modSeq = cursor.Number64();
        if (modSeq == 0) throw cursor.Error("QRESYNC mod-sequence must not be zero");
        Sequences.SequenceSet? known = null;
        if (cursor.TrySpace())
        {
            if (cursor.Peek() != '(') known = Sequences.SequenceSet.Read(cursor);
            if (known is null || cursor.TrySpace())
            {
                // seq-match-data: (sequence-set uid-set); a hint this server does not need, but it must parse.
                cursor.Expect('(');
                Sequences.SequenceSet.Read(cursor);
                cursor.Space();
                Sequences.SequenceSet.Read(cursor);
                cursor.Expect(')');
            }
        }
        cursor.Expect(')');
        return new QResyncParameters(uidValidity, modSeq, known);
    }

    public static CreateCommand Create(string tag, ImapTokenCursor cursor)
    {
        string mailbox = Argument(cursor);
        var uses = new List<string>();
        if (cursor.TrySpace())
        {
            cursor.Expect('(');
            if (!cursor.TryKeyword("USE")) throw cursor.Error("Unknown CREATE parameter");
            cursor.Space();
            foreach (string flag in cursor.ParenList(cursor.Flag, allowEmpty: false))
            {
                string? known = SpecialUses.FirstOrDefault(u => string.Equals(u, flag, StringComparison.OrdinalIgnoreCase));
                if (known is null) throw new ImapParseException($"Unknown special use {flag}", ImapStatus.No, "USEATTR");
                uses.Add(known);
            }
            cursor.Expect(')');
        }
        return new CreateCommand(tag, mailbox, uses);
    }

    public static RenameCommand Rename(string tag, ImapTokenCursor cursor)
    {
        string from = Argument(cursor);
        return new RenameCommand(tag, from, Argument(cursor));
    }

    public static ListCommand List(string tag, ImapTokenCursor cursor, bool isLsub)
    {
        cursor.Space();
        var selection = new List<string>();
        bool extended = false;
        if (!isLsub && cursor.Peek() == '(')
        {
            extended = true;
            selection = cursor.ParenList(() => Option(cursor, SelectionOptions, "selection"), allowEmpty: true);
            // RFC 5258 §3: RECURSIVEMATCH only refines another selection option, and REMOTE is not a filter.
            if (selection.Contains("RECURSIVEMATCH") && !selection.Any(o => o is "SUBSCRIBED" or "SPECIAL-USE"))
                throw cursor.Error("RECURSIVEMATCH needs SUBSCRIBED or SPECIAL-USE");
            cursor.Space();
        }
        string reference = DecodePattern(cursor, cursor.AString());
        cursor.Space();
        extended |= !isLsub && cursor.Peek() == '(';
        var patterns = !isLsub && cursor.Peek() == '('
            ? cursor.ParenList(() => DecodePattern(cursor, cursor.ListMailbox()), allowEmpty: false)
            : [DecodePattern(cursor, cursor.ListMailbox())];
        var returns = new List<string>();
        if (!isLsub && cursor.TrySpace())
        {
            if (!cursor.TryKeyword("RETURN")) throw cursor.Error("Expected RETURN");
            cursor.Space();
            returns = cursor.ParenList(() => ReturnOption(cursor), allowEmpty: true);
            extended = true;
        }
        return new ListCommand(tag, reference, patterns, selection, returns, isLsub) { Extended = extended };
    }

    /// <summary>A LIST return option; STATUS (items) (RFC 5819) is kept as one canonical string.</summary>
    private static string ReturnOption(ImapTokenCursor cursor)
    {
        string option = Option(cursor, ReturnOptions, "return");
        if (option != "STATUS") return option;
        cursor.Space();
        return "STATUS (" + string.Join(' ', cursor.ParenList(() => StatusItem(cursor), allowEmpty: false)) + ")";
    }

    private static readonly string[] SelectionOptions = ["SUBSCRIBED", "REMOTE", "RECURSIVEMATCH", "SPECIAL-USE"];
    private static readonly string[] ReturnOptions = ["SUBSCRIBED", "CHILDREN", "SPECIAL-USE", "STATUS"];

    /// <summary>A LIST option this server knows; RFC 5258 §3 asks BAD for any other.</summary>
    private static string Option(ImapTokenCursor cursor, string[] known, string kind)
    {
        string option = cursor.Keyword();
        return known.Contains(option) ? option : throw cursor.Error($"Unknown LIST {kind} option {(option.Length > 32 ? option[..32] : option)}");
    }

    public static StatusCommand Status(string tag, ImapTokenCursor cursor)
    {
        string mailbox = Argument(cursor);
        cursor.Space();
        return new StatusCommand(tag, mailbox, cursor.ParenList(() => StatusItem(cursor), allowEmpty: false));
    }

    private static string StatusItem(ImapTokenCursor cursor)
    {
        string item = cursor.Keyword();
        if (!StatusItems.Contains(item)) throw cursor.Error($"Unknown STATUS item {item}");
        return item;
    }

    public static AppendCommand Append(string tag, ImapTokenCursor cursor)
    {
        string mailbox = Argument(cursor);
        cursor.Space();
        IReadOnlyList<string> flags = [];
        if (cursor.Peek() == '(')
        {
            flags = MessageCommandParser.FlagList(cursor);
            cursor.Space();
        }
        DateTimeOffset? date = null;
        if (cursor.Peek() == '"')
        {
            date = ImapDateFormat.ParseDateTime(cursor.String());
            cursor.Space();
        }
        if (cursor.TryKeyword("UTF8"))
        {
            // RFC 6855 §4: UTF8 (literal8) carries a message with UTF-8 headers; only once UTF8=ACCEPT is enabled.
            if (!cursor.Utf8Accept) throw cursor.Error("APPEND UTF8 needs ENABLE UTF8=ACCEPT");
            cursor.Space();
            cursor.Expect('(');
            cursor.Expect('~');
            if (cursor.Peek() != '{') throw cursor.Error("APPEND UTF8 expects a literal8");
            var message = cursor.StringBytes();
            cursor.Expect(')');
            return new AppendCommand(tag, mailbox, flags, date, message);
        }
        // RFC 3516 §4.4: a literal8 "~{n}" carries content that may hold NUL bytes; it is stored as sent.
        cursor.TryConsume('~');
        if (cursor.Peek() != '{') throw cursor.Error("APPEND expects the message as a literal");
        return new AppendCommand(tag, mailbox, flags, date, cursor.StringBytes());
    }

    /// <summary>
    /// A mailbox name that is not valid modified UTF-7 is well-formed syntax naming a mailbox that cannot exist: NO
    /// [CANNOT], not BAD (RFC 3501 §9 makes it an astring; Dovecot answers NO, and ImapTest's "atoms" expects it).
    /// </summary>
    private static string Decode(string raw) =>
        ModifiedUtf7.TryDecode(raw, out var name, out var error)
            ? name
            : throw new ImapParseException($"Mailbox name is not valid modified UTF-7: {error}", ImapStatus.No, "CANNOT");

    /// <summary>A LIST reference or pattern: decoded when it is modified UTF-7, else matched as written (matching nothing
    /// a client could have created), so LIST answers OK as it does for any pattern.</summary>
    private static string DecodePattern(ImapTokenCursor cursor, string raw) =>
        !cursor.Utf8Accept && ModifiedUtf7.TryDecode(raw, out var name, out _) ? name : raw;
}
