using ePost.Mail.Imap.Fetch;
using ePost.Mail.Imap.Protocol;
using ePost.Mail.Imap.Search;

namespace ePost.Mail.Imap.Commands;

/// <summary>Result of parsing a framed command: the command, or the response that refuses it.</summary>
public sealed record ImapParseResult(ImapCommand? Command, ImapCommandRejected? Error)
{
    /// <summary>True when <see cref="Command"/> is set.</summary>
    public bool IsSuccess => Command is not null;
}

/// <summary>Turns a framed command (from <see cref="ImapCommandReader"/>) into a typed <see cref="ImapCommand"/>.</summary>
/// <remarks>
/// Parsing is state-independent: whether a command is allowed in the session's current state is the session's
/// decision. Syntax errors become "tag BAD text"; an unknown or missing tag becomes "* BAD text".
/// </remarks>
public sealed class ImapCommandParser(ImapLimits? limits = null)
{
    private readonly ImapLimits _limits = limits ?? ImapLimits.Default;

    /// <summary>UTF8=ACCEPT has been enabled: mailbox names are read as UTF-8 and APPEND takes UTF8 (literal8).</summary>
    public bool Utf8Accept { get; set; }

    /// <summary>Parses one command.</summary>
    public ImapParseResult Parse(ImapCommandFrame frame)
    {
        var cursor = new ImapTokenCursor(frame) { Utf8Accept = Utf8Accept };
        string tag = cursor.ReadWhile(ImapCharClass.IsTagChar);
        if (tag.Length == 0 || !cursor.TrySpace())
            return Fail("*", new ImapParseException(tag.Length == 0 ? "Missing or invalid tag" : "Missing command"));
        try
        {
            var command = ParseCommand(tag, cursor);
            cursor.End();
            return new ImapParseResult(command, null);
        }
        catch (ImapParseException e)
        {
            return Fail(tag, e);
        }
    }

    /// <summary>Parses a single-line command given as text (tests and tools).</summary>
    public ImapParseResult Parse(string line) => Parse(ImapCommandFrame.FromLine(line));

    private static ImapParseResult Fail(string tag, ImapParseException e) =>
        new(null, new ImapCommandRejected(tag, e.Status, e.Code, e.Message));

    private ImapCommand ParseCommand(string tag, ImapTokenCursor cursor)
    {
        string name = cursor.Keyword();
        if (name == "UID")
        {
            cursor.Space();
            return ParseUidCommand(tag, cursor);
        }
        return name switch
        {
            "CAPABILITY" => new CapabilityCommand(tag),
            "NOOP" => new NoopCommand(tag),
            "LOGOUT" => new LogoutCommand(tag),
            "STARTTLS" => new StartTlsCommand(tag),
            "IDLE" => new IdleCommand(tag),
            "NAMESPACE" => new NamespaceCommand(tag),
            "UNSELECT" => new UnselectCommand(tag),
            "CHECK" => new CheckCommand(tag),
            "CLOSE" => new CloseCommand(tag),
            "EXPUNGE" => new ExpungeCommand(tag, null),
            "AUTHENTICATE" => SessionCommandParser.Authenticate(tag, cursor),
            "LOGIN" => SessionCommandParser.Login(tag, cursor),
            "ID" => SessionCommandParser.Id(tag, cursor),
            "ENABLE" => SessionCommandParser.Enable(tag, cursor),
            "COMPRESS" => SessionCommandParser.Compress(tag, cursor),
            "SELECT" => MailboxCommandParser.Select(tag, cursor, readOnly: false),
            "EXAMINE" => MailboxCommandParser.Select(tag, cursor, readOnly: true),
            "CREATE" => MailboxCommandParser.Create(tag, cursor),
            "DELETE" => new DeleteCommand(tag, MailboxCommandParser.Argument(cursor)),
            "RENAME" => MailboxCommandParser.Rename(tag, cursor),
            "SUBSCRIBE" => new SubscribeCommand(tag, MailboxCommandParser.Argument(cursor), true),
            "UNSUBSCRIBE" => new SubscribeCommand(tag, MailboxCommandParser.Argument(cursor), false),
            "LIST" => MailboxCommandParser.List(tag, cursor, isLsub: false),
            "LSUB" => MailboxCommandParser.List(tag, cursor, isLsub: true),
            "STATUS" => MailboxCommandParser.Status(tag, cursor),
            "APPEND" => MailboxCommandParser.Append(tag, cursor),
            "SEARCH" => new SearchParser(cursor, _limits.MaxNestingDepth).Command(tag, uid: false),
            "FETCH" => FetchParser.Command(tag, cursor, uid: false),
            "STORE" => MessageCommandParser.Store(tag, cursor, uid: false),
            "COPY" => MessageCommandParser.Copy(tag, cursor, uid: false),
            "MOVE" => MessageCommandParser.Move(tag, cursor, uid: false),
            _ => throw new ImapParseException($"Unknown command {Printable(name)}"),
        };
    }

    private ImapCommand ParseUidCommand(string tag, ImapTokenCursor cursor)
    {
        string name = cursor.Keyword();
        return name switch
        {
            "FETCH" => FetchParser.Command(tag, cursor, uid: true),
            "SEARCH" => new SearchParser(cursor, _limits.MaxNestingDepth).Command(tag, uid: true),
            "STORE" => MessageCommandParser.Store(tag, cursor, uid: true),
            "COPY" => MessageCommandParser.Copy(tag, cursor, uid: true),
            "MOVE" => MessageCommandParser.Move(tag, cursor, uid: true),
            "EXPUNGE" => MessageCommandParser.UidExpunge(tag, cursor),
            _ => throw new ImapParseException($"Unknown UID command {Printable(name)}"),
        };
    }

    /// <summary>Echo at most a short prefix of what the client sent.</summary>
    private static string Printable(string name) => name.Length > 32 ? name[..32] + "..." : name;
}
