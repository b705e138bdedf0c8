using System.Text;
using ePost.Mail.Backend;
using ePost.Mail.Sessions;

namespace ePost.Mail.Pop3;

/// <summary>
/// One POP3 session (RFC 1939 with CAPA, UIDL, TOP, STLS and SASL PLAIN; RFC 2449, 2595, 5034) as a state machine.
/// Deletions are only marked during TRANSACTION and carried out, all or none, when QUIT enters UPDATE.
/// </summary>
public sealed partial class Pop3Session : IProtocolSession
{
    private readonly Pop3Settings settings;
    private readonly SessionContext context;
    private readonly IMailUserDirectory directory;
    private readonly IMailboxAccess mailbox;
    private readonly LoginThrottle throttle;
    private string? userName;
    private bool tls;
    private int errors;

    /// <summary>A session for one connection.</summary>
    public Pop3Session(Pop3Settings settings, SessionContext context, IMailUserDirectory directory, IMailboxAccess mailbox, LoginThrottle throttle)
    {
        this.settings = settings;
        this.context = context;
        this.directory = directory;
        this.mailbox = mailbox;
        this.throttle = throttle;
        tls = context.IsTls;
    }

    /// <summary>The current state.</summary>
    public Pop3State State { get; private set; } = Pop3State.Authorization;

    /// <summary>The logged-in user, if any.</summary>
    public MailUser? User { get; private set; }

    /// <inheritdoc />
    public int MaxLineLength => settings.MaxCommandLine;

    private bool AuthPermitted => tls || (context.IsLoopback && settings.AllowPlaintextAuthOnLoopback);

    /// <inheritdoc />
    public SessionStep Greeting() => SessionStep.Reply($"+OK {settings.HostName} ePost POP3 server ready");

    /// <inheritdoc />
    public SessionStep IdleTimeout() => SessionStep.ReplyAndClose("-ERR Idle timeout, closing connection");

    /// <inheritdoc />
    public void TlsEstablished()
    {
        tls = true;
        userName = null;
    }

    /// <inheritdoc />
    public async ValueTask<SessionStep> HandleAsync(FramedLine line, CancellationToken cancellation)
    {
        try
        {
            return await HandleLineAsync(line, cancellation);
        }
        catch (MailStoreException e)
        {
            // The mailbox could not be read or changed now (the POST layer down or slow): this command fails, the
            // session goes on (RFC 3206 SYS/TEMP: the client may retry).
            return Ok($"-ERR [SYS/TEMP] {e.Message}");
        }
    }

    private async ValueTask<SessionStep> HandleLineAsync(FramedLine line, CancellationToken cancellation)
    {
        if (line.Terminator == LineTerminator.TooLong) return Error("-ERR Line too long");
        if (!line.IsClean) return Error("-ERR Lines must end with CRLF");
        if (State == Pop3State.AuthResponse) return await PlainResponseAsync(line.Text, cancellation);

        var command = Pop3Command.Parse(line.Text);
        return (State, command.Keyword) switch
        {
            (_, "CAPA") => Capabilities(),
            (_, "NOOP") when State == Pop3State.Transaction => Ok("+OK"),
            (_, "QUIT") => await QuitAsync(cancellation),
            (Pop3State.Authorization, "USER") => UserName(command),
            (Pop3State.Authorization, "PASS") => await PasswordAsync(command, line.Text, cancellation),
            (Pop3State.Authorization, "AUTH") => await AuthAsync(command, cancellation),
            (Pop3State.Authorization, "STLS") => StartTls(command),
            (Pop3State.Transaction, "STAT") => Stat(command),
            (Pop3State.Transaction, "LIST") => List(command),
            (Pop3State.Transaction, "UIDL") => Uidl(command),
            (Pop3State.Transaction, "RETR") => await RetrieveAsync(command, top: false, cancellation),
            (Pop3State.Transaction, "TOP") => await RetrieveAsync(command, top: true, cancellation),
            (Pop3State.Transaction, "DELE") => Delete(command),
            (Pop3State.Transaction, "RSET") => Reset(command),
            (_, "USER" or "PASS" or "AUTH" or "STLS" or "STAT" or "LIST" or "UIDL" or "RETR" or "TOP" or "DELE" or "RSET" or "NOOP")
                => Error("-ERR Command not valid in this state"),
            _ => Error("-ERR Unknown command"),
        };
    }

    private SessionStep Capabilities()
    {
        var lines = new List<string> { "+OK Capability list follows" };
        if (State == Pop3State.Authorization && AuthPermitted) lines.Add("USER");
        lines.AddRange(["TOP", "UIDL", "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE"]);
        if (State == Pop3State.Authorization && AuthPermitted) lines.Add("SASL PLAIN");
        if (State == Pop3State.Authorization && context.CanStartTls && !tls) lines.Add("STLS");
        lines.Add("IMPLEMENTATION ePost");
        lines.Add(".");
        return SessionStep.Reply(lines.ToArray());
    }

    private SessionStep UserName(Pop3Command command)
    {
        if (!AuthPermitted) return Error("-ERR [AUTH] Plaintext login requires TLS");
        if (command.Arguments.Count != 1) return Error("-ERR Syntax: USER name");
        userName = command.Arguments[0];
        return Ok("+OK Send PASS");
    }

    private async Task<SessionStep> PasswordAsync(Pop3Command command, string line, CancellationToken cancellation)
    {
        if (userName is null) return Error("-ERR Send USER first");
        // The password is the rest of the line: RFC 1939 allows spaces in it.
        var password = line.Length > 5 ? line[5..] : "";
        if (command.Arguments.Count == 0) return Error("-ERR Syntax: PASS password");
        var name = userName;
        userName = null;
        return await LoginAsync(name, password, cancellation);
    }

    private async Task<SessionStep> LoginAsync(string name, string password, CancellationToken cancellation)
    {
        if (throttle.IsBlocked(context.Remote.Address))
            return SessionStep.ReplyAndClose("-ERR [LOGIN-DELAY] Too many failed logins from your address; try again later");
        var user = await directory.AuthenticateAsync(name, password, cancellation);
        if (user is null) return FailedLogin();
        User = user;
        try
        {
            await OpenMaildropAsync(cancellation);
        }
        catch (MailStoreException)
        {
            // Not logged in after all: the maildrop could not be listed, so the client logs in again later.
            User = null;
            throw;
        }
        State = Pop3State.Transaction;
        return Ok($"+OK {user.Name} has {Count} messages ({Octets} octets)");
    }

    private SessionStep FailedLogin()
    {
        // Held back by the session actor's scheduler, longer with each recent failure from the address.
        var delay = throttle.RecordFailure(context.Remote.Address);
        return SessionStep.Reply("-ERR [AUTH] Invalid credentials") with { Delay = delay };
    }

    private async Task<SessionStep> AuthAsync(Pop3Command command, CancellationToken cancellation)
    {
        if (command.Arguments.Count == 0) return Ok("+OK", "PLAIN", ".");
        if (!AuthPermitted) return Error("-ERR [AUTH] Authentication requires TLS");
        if (!command.Arguments[0].Equals("PLAIN", StringComparison.OrdinalIgnoreCase)) return Error("-ERR Unsupported SASL mechanism");
        if (command.Arguments.Count == 1)
        {
            State = Pop3State.AuthResponse;
            return Ok("+ ");
        }
        return await PlainResponseAsync(command.Arguments[1], cancellation);
    }

    private async Task<SessionStep> PlainResponseAsync(string response, CancellationToken cancellation)
    {
        State = Pop3State.Authorization;
        if (response == "*") return Error("-ERR Authentication cancelled");
        var buffer = new byte[response.Length];
        if (!Convert.TryFromBase64String(response, buffer, out var written)) return Error("-ERR Cannot decode response");
        string[] parts;
        try
        {
            parts = new UTF8Encoding(false, true).GetString(buffer, 0, written).Split('\0');
        }
        catch (DecoderFallbackException)
        {
            return Error("-ERR Cannot decode response");
        }
        if (parts.Length != 3 || parts[1].Length == 0) return Error("-ERR Malformed PLAIN response");
        // No proxy login: an authorization identity must name the authenticating user itself.
        if (parts[0].Length > 0 && parts[0] != parts[1]) return FailedLogin();
        return await LoginAsync(parts[1], parts[2], cancellation);
    }

    private SessionStep StartTls(Pop3Command command)
    {
        if (command.Arguments.Count != 0) return Error("-ERR Syntax: STLS");
        if (tls) return Error("-ERR TLS already active");
        if (!context.CanStartTls) return Error("-ERR TLS not available");
        return new SessionStep(SessionStep.Encode(["+OK Begin TLS negotiation"]), SessionAction.StartTls);
    }

    private SessionStep Error(string reply)
    {
        if (++errors >= settings.MaxErrors) return SessionStep.ReplyAndClose(reply, "-ERR Too many errors, closing connection");
        return SessionStep.Reply(reply);
    }

    private static SessionStep Ok(params string[] lines) => SessionStep.Reply(lines);
}
