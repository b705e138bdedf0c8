using ePost.Mail.Backend;
using ePost.Mail.Sessions;

namespace ePost.Mail.Pop3;

/// <summary>TRANSACTION and UPDATE: the maildrop snapshot, message numbers, marks for deletion, and QUIT.</summary>
public sealed partial class Pop3Session
{
    private IReadOnlyList<MailboxMessage> messages = [];
    private bool[] deleted = [];

    private int Count => deleted.Count(d => !d);

    private long Octets => messages.Where((_, i) => !deleted[i]).Sum(m => m.Size);

    private async Task OpenMaildropAsync(CancellationToken cancellation)
    {
        // Message numbers are fixed for the whole session (RFC 1939 §5): the listing is taken once, at login.
        messages = await mailbox.ListInboxAsync(User!, cancellation);
        deleted = new bool[messages.Count];
    }

    private SessionStep Stat(Pop3Command command) =>
        command.Arguments.Count == 0 ? Ok($"+OK {Count} {Octets}") : Error("-ERR Syntax: STAT");

    private SessionStep List(Pop3Command command) => Listing(command, "LIST", (n, m) => $"{n} {m.Size}", $"+OK {Count} messages ({Octets} octets)");

    private SessionStep Uidl(Pop3Command command) => Listing(command, "UIDL", (n, m) => $"{n} {m.UniqueId}", "+OK Unique-ID listing follows");

    private SessionStep Listing(Pop3Command command, string keyword, Func<int, MailboxMessage, string> entry, string header)
    {
        if (command.Arguments.Count > 1) return Error($"-ERR Syntax: {keyword} [msg]");
        if (command.Arguments.Count == 1)
        {
            if (!TryMessage(command, 0, out var index, out var error)) return error;
            return Ok($"+OK {entry(index + 1, messages[index])}");
        }
        var lines = new List<string> { header };
        for (var i = 0; i < messages.Count; i++)
            if (!deleted[i]) lines.Add(entry(i + 1, messages[i]));
        lines.Add(".");
        return SessionStep.Reply(lines.ToArray());
    }

    private async Task<SessionStep> RetrieveAsync(Pop3Command command, bool top, CancellationToken cancellation)
    {
        var keyword = top ? "TOP" : "RETR";
        if (command.Arguments.Count != (top ? 2 : 1)) return Error(top ? "-ERR Syntax: TOP msg n" : "-ERR Syntax: RETR msg");
        if (!TryMessage(command, 0, out var index, out var error)) return error;
        var lines = 0;
        if (top && !command.TryNumber(1, out lines)) return Error($"-ERR Syntax: {keyword} line count must be a non-negative number");
        var bytes = await mailbox.ReadAsync(User!, messages[index].UniqueId, cancellation);
        if (bytes is null) return Ok("-ERR [SYS/TEMP] Message is no longer available");
        var body = Pop3MessageWriter.Write(bytes, top ? lines : null);
        var status = SessionStep.Encode([top ? "+OK Top of message follows" : $"+OK {messages[index].Size} octets"]);
        return new SessionStep([.. status, .. body]);
    }

    private SessionStep Delete(Pop3Command command)
    {
        if (command.Arguments.Count != 1) return Error("-ERR Syntax: DELE msg");
        if (!TryMessage(command, 0, out var index, out var error)) return error;
        deleted[index] = true;
        return Ok($"+OK Message {index + 1} deleted");
    }

    private SessionStep Reset(Pop3Command command)
    {
        if (command.Arguments.Count != 0) return Error("-ERR Syntax: RSET");
        Array.Clear(deleted);
        return Ok($"+OK {Count} messages ({Octets} octets)");
    }

    private async Task<SessionStep> QuitAsync(CancellationToken cancellation)
    {
        var goodbye = $"+OK {settings.HostName} ePost POP3 server signing off";
        if (State != Pop3State.Transaction) return SessionStep.ReplyAndClose(goodbye);
        // UPDATE state: the only place where deletions take effect, all of them or none.
        var doomed = messages.Where((_, i) => deleted[i]).Select(m => m.UniqueId).ToList();
        try
        {
            if (doomed.Count > 0) await mailbox.DeleteAsync(User!, doomed, cancellation);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or TimeoutException or Backend.MailStoreException)
        {
            return SessionStep.ReplyAndClose("-ERR [SYS/TEMP] Deleted messages were not removed; try again");
        }
        return SessionStep.ReplyAndClose($"{goodbye} ({Count} messages left)");
    }

    private bool TryMessage(Pop3Command command, int argument, out int index, out SessionStep error)
    {
        index = -1;
        error = SessionStep.None;
        if (!command.TryNumber(argument, out var number))
        {
            error = Error("-ERR Syntax: message number expected");
            return false;
        }
        if (number < 1 || number > messages.Count)
        {
            error = Ok("-ERR No such message");
            return false;
        }
        if (deleted[number - 1])
        {
            error = Ok($"-ERR Message {number} already deleted");
            return false;
        }
        index = number - 1;
        return true;
    }
}
