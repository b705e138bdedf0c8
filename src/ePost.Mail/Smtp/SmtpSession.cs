using Akka.Actor;
using ePost.Mail.Backend;
using ePost.Mail.Dsn;
using ePost.Mail.Sessions;
using ePost.Mail.Smtp.Commands;

namespace ePost.Mail.Smtp;

/// <summary>
/// One SMTP session (RFC 5321, submission RFC 6409) as a state machine: lines in, replies out. Every reply except the
/// greeting and the EHLO lines carries an enhanced status code (RFC 2034 exempts those two).
/// </summary>
public sealed partial class SmtpSession : IProtocolSession
{
    private readonly SmtpSettings settings;
    private readonly SessionContext context;
    private readonly IMailUserDirectory directory;
    private readonly ISubmissionSpool spool;
    private readonly LoginThrottle throttle;
    private readonly ITimeProvider clock;
    private readonly List<string> recipients = [];
    private readonly Dictionary<string, RecipientDsn> recipientDsn = new(StringComparer.OrdinalIgnoreCase);
    private SmtpDataReader? data;
    private string? heloName;
    private string sender = "";
    private bool smtpUtf8;
    private bool requireTls;
    private DsnReturn dsnReturn;
    private string? envelopeId;
    private bool tls;
    private int errors;

    /// <summary>A session for one connection.</summary>
    public SmtpSession(SmtpSettings settings, SessionContext context, IMailUserDirectory directory, ISubmissionSpool spool, LoginThrottle throttle, ITimeProvider clock)
    {
        this.settings = settings;
        this.context = context;
        this.directory = directory;
        this.spool = spool;
        this.throttle = throttle;
        this.clock = clock;
        tls = context.IsTls;
    }

    /// <summary>Where the session is in the command sequence.</summary>
    public SmtpState State { get; private set; } = SmtpState.Connected;

    /// <summary>The authenticated user, if any.</summary>
    public MailUser? User { get; private set; }

    /// <inheritdoc />
    public int MaxLineLength => State == SmtpState.Data ? settings.MaxDataLine : settings.MaxCommandLine;

    /// <inheritdoc />
    public SessionStep Greeting() => SessionStep.Reply($"220 {settings.HostName} ESMTP ePost ready");

    /// <inheritdoc />
    public SessionStep IdleTimeout() => SessionStep.ReplyAndClose($"421 4.4.2 {settings.HostName} Idle timeout, closing connection");

    /// <inheritdoc />
    public void TlsEstablished()
    {
        // RFC 3207 §4.2: forget everything learned before the handshake, including the EHLO and any AUTH.
        tls = true;
        ResetTransaction();
        heloName = null;
        User = null;
        State = SmtpState.Connected;
    }

    /// <inheritdoc />
    public async ValueTask<SessionStep> HandleAsync(FramedLine line, CancellationToken cancellation)
    {
        return Paced(await HandleLineAsync(line, cancellation));
    }

    private SessionStep Paced(SessionStep step)
    {
        // Past the soft error limit every reply is held back (Postfix's smtpd_error_sleep_time), good or bad, so a
        // client probing with garbage pays in time; a longer delay already on the step (failed login) stands.
        var limits = settings.ErrorLimits;
        if (errors > limits.Soft && step.Output.Length > 0 && step.Delay < limits.Delay) return step with { Delay = limits.Delay };
        return step;
    }

    private async ValueTask<SessionStep> HandleLineAsync(FramedLine line, CancellationToken cancellation)
    {
        if (State == SmtpState.Data) return await ReadDataAsync(line, cancellation);
        if (line.Terminator == LineTerminator.TooLong) return Error("500 5.5.2 Line too long");
        if (!line.IsClean) return Error("500 5.5.2 Bare CR or LF not allowed; lines must end with CRLF");
        if (State == SmtpState.Auth) return await RespondAsync(line.Text, cancellation);

        var command = SmtpCommandParser.Parse(line.Text);
        if (command is UnknownCommand) return Error("500 5.5.1 Command not recognized");
        if (command is InvalidCommand { Verb: "BDAT" } badChunk)
        {
            // Without a size the chunk's end is unknown, so nothing after this line can be told apart from its data.
            errors++;
            return SessionStep.ReplyAndClose(badChunk.Reply, $"421 4.7.0 {settings.HostName} closing connection");
        }
        if (command is InvalidCommand invalid) return Error(invalid.Reply);
        if (command is BdatCommand bdat) return await StartChunkAsync(bdat, cancellation);
        if (!SmtpStateTable.TryTransition(State, command.Verb, out var next)) return Error(OutOfSequence(command.Verb));

        var step = command switch
        {
            HelloCommand hello => Hello(hello),
            MailCommand mail => Mail(mail),
            RcptCommand rcpt => await RcptAsync(rcpt, cancellation),
            DataCommand => Reply("354 Start mail input; end with <CRLF>.<CRLF>"),
            RsetCommand => Reply("250 2.0.0 Ok"),
            NoopCommand => Reply("250 2.0.0 Ok"),
            VrfyCommand => Reply("252 2.5.0 Cannot VRFY user, but will accept message and attempt delivery"),
            HelpCommand => Reply("214 2.0.0 Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS AUTH"),
            QuitCommand => Result.Ok(SessionStep.ReplyAndClose($"221 2.0.0 {settings.HostName} closing connection")),
            StartTlsCommand => StartTls(),
            AuthCommand auth => await StartAuthAsync(auth, cancellation),
            _ => throw new InvalidOperationException($"No handler for {command.Verb}"),
        };
        if (step.Outcome == Outcome.Failed) return step.Step;
        if (command is RsetCommand or HelloCommand) ResetTransaction();
        if (command is DataCommand) data = new SmtpDataReader(settings.MaxMessageSize);
        State = step.Outcome == Outcome.Pending ? SmtpState.Auth : next;
        return step.Step;
    }

    private string OutOfSequence(string verb) => (State, verb) switch
    {
        (SmtpState.Connected, _) => "503 5.5.1 Send EHLO or HELO first",
        (_, "MAIL") => "503 5.5.1 Nested MAIL command",
        (SmtpState.Chunking, "RCPT") => "503 5.5.1 No RCPT after BDAT",
        (_, "RCPT") => "503 5.5.1 Need MAIL before RCPT",
        (SmtpState.Mail, "DATA") => "554 5.5.1 No valid recipients",
        (SmtpState.Chunking, "DATA") => "503 5.5.1 DATA cannot follow BDAT in one transaction",
        (_, "DATA") => "503 5.5.1 Need MAIL and RCPT before DATA",
        _ => "503 5.5.1 Bad sequence of commands",
    };

    private Result Hello(HelloCommand hello)
    {
        heloName = hello.Domain;
        if (!hello.Extended) return Reply($"250 {settings.HostName}");
        var lines = new List<string>
        {
            $"{settings.HostName} Hello {hello.Domain}",
            "PIPELINING",
            $"SIZE {settings.MaxMessageSize}",
            "8BITMIME",
            "CHUNKING",
            "SMTPUTF8",
            "ENHANCEDSTATUSCODES",
            "DSN",
        };
        if (context.CanStartTls && !tls) lines.Add("STARTTLS");
        // RFC 8689 §4: offered only once the session itself is TLS.
        if (tls) lines.Add("REQUIRETLS");
        if (settings.Mode == SmtpMode.Submission && AuthPermitted) lines.Add("AUTH PLAIN LOGIN");
        lines.Add("HELP");
        return Result.Ok(SessionStep.Reply(lines.Select((l, i) => (i == lines.Count - 1 ? "250 " : "250-") + l).ToArray()));
    }

    private Result Mail(MailCommand mail)
    {
        if (settings.Mode == SmtpMode.Submission)
        {
            if (User is null) return Failed("530 5.7.0 Authentication required");
            // The null sender is the user's to send (bounces, vacation replies, DSNs), as Postfix allows it after AUTH.
            if (mail.Sender.Length > 0 && !string.Equals(mail.Sender, User.Address, StringComparison.OrdinalIgnoreCase))
                return Failed($"553 5.7.1 Sender address <{mail.Sender}> not owned by user {User.Name}");
        }
        if (!mail.SmtpUtf8 && MailPath.IsInternational(mail.Sender)) return Failed("553 5.6.7 Non-ASCII address requires SMTPUTF8");
        if (mail.DeclaredSize > settings.MaxMessageSize) return Failed("552 5.3.4 Message size exceeds fixed maximum message size");
        if (mail.RequireTls && !tls) return Failed("530 5.7.10 REQUIRETLS needs a TLS session");
        sender = mail.Sender;
        smtpUtf8 = mail.SmtpUtf8;
        requireTls = mail.RequireTls;
        dsnReturn = mail.Return;
        envelopeId = mail.EnvelopeId;
        return Reply("250 2.1.0 Ok");
    }

    private async Task<Result> RcptAsync(RcptCommand rcpt, CancellationToken cancellation)
    {
        if (recipients.Count >= settings.MaxRecipients) return Failed("452 4.5.3 Too many recipients");
        if (!smtpUtf8 && MailPath.IsInternational(rcpt.Recipient)) return Failed("553 5.6.7 Non-ASCII address requires SMTPUTF8");
        AddressKind kind;
        try
        {
            kind = await directory.ClassifyAsync(rcpt.Recipient, cancellation);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellation.IsCancellationRequested)
        {
            // The ring could not be asked (partition, timeout): a temporary refusal, so the sending MTA retries,
            // never an acceptance on a guess (that would be a relay for whatever the guess got wrong).
            return Failed("451 4.4.3 Cannot verify the recipient now; try again later");
        }
        switch (kind)
        {
            case AddressKind.UnknownInRingDomain:
                return Failed($"550 5.1.1 <{rcpt.Recipient}>: no such user");
            case AddressKind.Foreign when settings.Mode == SmtpMode.Gateway || User is null:
                return Failed("550 5.7.1 Relay access denied");
        }
        if (!recipients.Contains(rcpt.Recipient, StringComparer.OrdinalIgnoreCase)) recipients.Add(rcpt.Recipient);
        // A recipient given twice keeps the parameters of its first RCPT, as it keeps its place in the list.
        if (rcpt.Dsn != RecipientDsn.Default) recipientDsn.TryAdd(rcpt.Recipient, rcpt.Dsn);
        return Reply("250 2.1.5 Ok");
    }

    private Result StartTls()
    {
        if (tls) return Failed("503 5.5.1 TLS already active");
        if (!context.CanStartTls) return Failed("454 4.7.0 TLS not available");
        return Result.Ok(new SessionStep(SessionStep.Encode(["220 2.0.0 Ready to start TLS"]), SessionAction.StartTls));
    }

    private async ValueTask<SessionStep> ReadDataAsync(FramedLine line, CancellationToken cancellation)
    {
        if (!data!.Add(line)) return SessionStep.None;
        var reader = data;
        var envelope = Envelope();
        ResetTransaction();
        State = SmtpState.Greeted;
        if (reader.Fault != DataFault.None) return SessionStep.Reply(Refusal(reader.Fault));
        return await SpoolAsync(envelope, reader.Message, cancellation);
    }

    private SpoolEnvelope Envelope() => new(sender, recipients.ToList(), User?.Name, context.Remote.Address.ToString(), clock.Now)
    {
        RequireTls = requireTls,
        Return = dsnReturn,
        EnvelopeId = envelopeId,
        RecipientDsn = recipientDsn.Count == 0 ? null : new Dictionary<string, RecipientDsn>(recipientDsn, StringComparer.OrdinalIgnoreCase),
    };

    private string Refusal(DataFault fault) => fault switch
    {
        DataFault.BareLineEnding => "550 5.6.0 Message refused: bare CR or LF in message text (RFC 5321 2.3.8)",
        DataFault.LineTooLong => $"550 5.6.0 Message refused: line longer than {settings.MaxDataLine} octets",
        _ => "552 5.3.4 Message size exceeds fixed maximum message size",
    };

    private async ValueTask<SessionStep> SpoolAsync(SpoolEnvelope envelope, byte[] message, CancellationToken cancellation)
    {
        // A login sends as itself in the header its recipients read, too (Postfix's reject_sender_login_mismatch).
        if (settings.Mode == SmtpMode.Submission && User is not null && FromHeaderCheck.FirstUnowned(message, User.Address) is { } unowned)
            return SessionStep.Reply($"553 5.7.1 From: address <{unowned}> not owned by user {User.Name}");
        try
        {
            var id = await spool.AcceptAsync(envelope, TraceHeader(envelope).Concat(message).ToArray(), cancellation);
            return SessionStep.Reply($"250 2.0.0 Ok: queued as {id}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return SessionStep.Reply("451 4.3.0 Local error in processing; try again later");
        }
        catch (MailStoreException e)
        {
            // The spool did not take the message in time: not accepted, the client keeps it and retries.
            return SessionStep.Reply($"451 4.3.0 {e.Message}");
        }
    }

    private byte[] TraceHeader(SpoolEnvelope envelope)
    {
        var with = (tls ? "ESMTPS" : "ESMTP") + (User is null ? "" : "A");
        var header = $"Received: from {heloName} ([{envelope.Client}])\r\n\tby {settings.HostName} (ePost) with {with};\r\n\t{MimeKit.Utils.DateUtils.FormatDate(envelope.ReceivedAt)}\r\n";
        return System.Text.Encoding.UTF8.GetBytes(header);
    }

    private void ResetTransaction()
    {
        recipients.Clear();
        sender = "";
        smtpUtf8 = false;
        requireTls = false;
        dsnReturn = DsnReturn.Unspecified;
        envelopeId = null;
        recipientDsn.Clear();
        data = null;
        chunked = null;
    }

    private SessionStep Error(string reply)
    {
        // Bounded cost for a client that only sends garbage: at the hard error limit it is disconnected.
        if (++errors >= settings.ErrorLimits.Hard)
            return SessionStep.ReplyAndClose(reply, $"421 4.7.0 {settings.HostName} Too many errors, closing connection");
        return SessionStep.Reply(reply);
    }

    private static Result Reply(string line) => Result.Ok(SessionStep.Reply(line));

    private static Result Failed(string line) => new(SessionStep.Reply(line), Outcome.Failed);

    private enum Outcome { Done, Pending, Failed }

    private readonly record struct Result(SessionStep Step, Outcome Outcome)
    {
        public static Result Ok(SessionStep step) => new(step, Outcome.Done);
    }
}
