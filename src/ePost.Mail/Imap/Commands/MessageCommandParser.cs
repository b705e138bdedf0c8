using ePost.Mail.Imap.Protocol;
using ePost.Mail.Imap.Sequences;

namespace ePost.Mail.Imap.Commands;

/// <summary>Arguments of STORE, COPY, MOVE and UID EXPUNGE, and flag lists.</summary>
internal static class MessageCommandParser
{
    private static readonly string[] SystemFlags = ["\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft"];

    public static StoreCommand Store(string tag, ImapTokenCursor cursor, bool uid)
    {
        cursor.Space();
        var set = SequenceSet.Read(cursor);
        cursor.Space();
        ulong? unchangedSince = null;
        if (cursor.TryConsume('('))
        {
            if (!cursor.TryKeyword("UNCHANGEDSINCE")) throw cursor.Error("Unknown STORE modifier");
            cursor.Space();
            unchangedSince = cursor.Number64();
            cursor.Expect(')');
            cursor.Space();
        }
        var mode = cursor.TryConsume('+') ? StoreMode.Add : cursor.TryConsume('-') ? StoreMode.Remove : StoreMode.Replace;
        string item = cursor.Keyword();
        if (item is not ("FLAGS" or "FLAGS.SILENT")) throw cursor.Error("Expected FLAGS, +FLAGS or -FLAGS");
        cursor.Space();
        IReadOnlyList<string> flags;
        if (cursor.Peek() == '(') flags = FlagList(cursor);
        else
        {
            var list = new List<string> { StoreFlag(cursor) };
            while (cursor.TrySpace()) list.Add(StoreFlag(cursor));
            flags = list;
        }
        return new StoreCommand(tag, uid, set, mode, item == "FLAGS.SILENT", flags, unchangedSince);
    }

    public static CopyCommand Copy(string tag, ImapTokenCursor cursor, bool uid)
    {
        var (set, mailbox) = SetAndMailbox(cursor);
        return new CopyCommand(tag, uid, set, mailbox);
    }

    public static MoveCommand Move(string tag, ImapTokenCursor cursor, bool uid)
    {
        var (set, mailbox) = SetAndMailbox(cursor);
        return new MoveCommand(tag, uid, set, mailbox);
    }

    public static ExpungeCommand UidExpunge(string tag, ImapTokenCursor cursor)
    {
        cursor.Space();
        return new ExpungeCommand(tag, SequenceSet.Read(cursor));
    }

    /// <summary>"(" [flag *(SP flag)] ")" where system flags are canonically cased and \Recent is refused.</summary>
    public static IReadOnlyList<string> FlagList(ImapTokenCursor cursor) =>
        cursor.ParenList(() => StoreFlag(cursor), allowEmpty: true);

    private static string StoreFlag(ImapTokenCursor cursor)
    {
        string flag = cursor.Flag();
        if (!flag.StartsWith('\\')) return flag;
        return SystemFlags.FirstOrDefault(f => string.Equals(f, flag, StringComparison.OrdinalIgnoreCase))
            ?? throw cursor.Error($"Flag {flag} cannot be set by a client");
    }

    private static (SequenceSet Set, string Mailbox) SetAndMailbox(ImapTokenCursor cursor)
    {
        cursor.Space();
        var set = SequenceSet.Read(cursor);
        return (set, MailboxCommandParser.Argument(cursor));
    }
}
