using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Event;

namespace ePost.Mail.Sessions;

/// <summary>
/// One connection: pulls bytes from the <see cref="IConnection"/> only when the framer has no complete line, feeds lines
/// one at a time to the <see cref="IProtocolSession"/> (or raw bytes to an <see cref="IStreamProtocolSession"/>, which
/// frames its own input and may wake the actor to speak unprompted), writes its replies, and carries out its actions
/// (STARTTLS, close, delayed replies). Idle time and reply delays run on the Akka scheduler, so tests drive them on
/// virtual time.
/// </summary>
public sealed class SessionActor : ReceiveActor, IWithTimers
{
    private const string IdleTimer = "idle";
    private const string DelayTimer = "delay";
    private const int MinActiveRawPiece = 1024;

    private readonly IConnection connection;
    private readonly ISessionDialogue session;
    private readonly IProtocolSession? lineSession;
    private readonly IStreamProtocolSession? streamSession;
    private readonly X509Certificate2? certificate;
    private readonly TimeSpan idleTimeout;
    private readonly LineFramer framer = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly ILoggingAdapter log = Context.GetLogger();
    private bool busy;
    private bool reading;
    private bool closing;
    private bool idleGoodbyePending;
    private bool wakeUpPending;

    /// <summary>Props for a session over an accepted connection.</summary>
    /// <param name="connection">The connection; the actor owns and disposes it.</param>
    /// <param name="session">The protocol logic.</param>
    /// <param name="certificate">Server certificate for STARTTLS and implicit TLS (null: no TLS).</param>
    /// <param name="implicitTls">Handshake before the greeting (SMTPS 465, POP3S 995).</param>
    /// <param name="idleTimeout">Close after this long without a complete line from the client.</param>
    public static Props Props(IConnection connection, ISessionDialogue session, X509Certificate2? certificate, bool implicitTls, TimeSpan idleTimeout) =>
        Akka.Actor.Props.Create(() => new SessionActor(connection, session, certificate, implicitTls, idleTimeout));

    /// <summary>Timers bound to this actor (set by Akka).</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Use <see cref="Props"/>; public only because Akka activates actors through public constructors.</summary>
    public SessionActor(IConnection connection, ISessionDialogue session, X509Certificate2? certificate, bool implicitTls, TimeSpan idleTimeout)
    {
        this.connection = connection;
        this.session = session;
        lineSession = session as IProtocolSession;
        streamSession = session as IStreamProtocolSession;
        if (lineSession is null == streamSession is null)
            throw new ArgumentException("A session is either a line session or a stream session.", nameof(session));
        this.certificate = certificate;
        this.idleTimeout = idleTimeout;
        ImplicitTls = implicitTls;

        Receive<TlsReady>(t => OnTlsReady(t.Implicit));
        Receive<Received>(r => OnReceived(r.Bytes));
        Receive<SessionStep>(Carry);
        Receive<DelayedStep>(d => Write(d.Step));
        Receive<Written>(w => AfterWrite(w.Action));
        Receive<IdleExpired>(_ => OnIdle());
        Receive<WakeUp>(_ => OnWakeUp());
        Receive<Status.Failure>(f => Fail(f.Cause));
    }

    private bool ImplicitTls { get; }

    /// <inheritdoc />
    protected override void PreStart()
    {
        RestartIdleTimer();
        busy = true;
        var self = Self;
        streamSession?.AttachWakeUp(() => self.Tell(WakeUp.Instance));
        if (ImplicitTls)
        {
            connection.UpgradeToTlsAsync(certificate ?? throw new InvalidOperationException("Implicit TLS needs a certificate."), stopping.Token)
                .PipeTo(Self, success: () => new TlsReady(true));
        }
        else
        {
            Carry(session.Greeting());
        }
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        stopping.Cancel();
        // Sessions holding subscriptions (IMAP watches its folders) release them with the connection.
        (session as IDisposable)?.Dispose();
        // Disposal is fire-and-forget: the socket closes whether or not the peer still listens.
        _ = connection.DisposeAsync().AsTask();
        stopping.Dispose();
    }

    private void OnTlsReady(bool implicitHandshake)
    {
        if (implicitHandshake)
        {
            Carry(session.Greeting());
            return;
        }
        session.TlsEstablished();
        busy = false;
        Pump();
    }

    private void OnReceived(byte[] bytes)
    {
        reading = false;
        if (bytes.Length == 0)
        {
            Context.Stop(Self);
            return;
        }
        if (streamSession is not null) streamSession.Append(bytes);
        else framer.Append(bytes);
        Pump();
    }

    private void Pump()
    {
        if (busy || closing) return;
        if (streamSession is not null)
        {
            if (streamSession.HandleNext(stopping.Token) is { } next)
            {
                busy = true;
                RestartIdleTimer();
                next.AsTask().PipeTo(Self);
                return;
            }
        }
        else if (lineSession!.RawOctetsWanted > 0)
        {
            if (framer.Buffered > 0)
            {
                busy = true;
                var wanted = lineSession.RawOctetsWanted;
                var piece = framer.TakeBytes(wanted);
                // As with lines, trickling does not count as activity: only a whole chunk or a real piece of one
                // (1 KiB, shorter than any line a DATA client would send in that time) restarts the idle timer.
                if (piece.Length == wanted || piece.Length >= MinActiveRawPiece) RestartIdleTimer();
                lineSession.HandleRawAsync(piece, stopping.Token).AsTask().PipeTo(Self);
                return;
            }
        }
        else if (framer.TryReadLine(lineSession.MaxLineLength, out var line))
        {
            busy = true;
            // Only complete lines count as activity: a client trickling bytes without a line end still times out.
            RestartIdleTimer();
            lineSession.HandleAsync(line, stopping.Token).AsTask().PipeTo(Self);
            return;
        }
        if (reading) return;
        reading = true;
        connection.ReadAsync(stopping.Token).PipeTo(Self, success: bytes => new Received(bytes));
    }

    private void Carry(SessionStep step)
    {
        busy = true;
        if (step.Delay > TimeSpan.Zero)
        {
            Timers.StartSingleTimer(DelayTimer, new DelayedStep(step), step.Delay);
            return;
        }
        Write(step);
    }

    private void Write(SessionStep step)
    {
        var action = step.Action;
        connection.WriteAsync(step.Output, stopping.Token).PipeTo(Self, success: () => new Written(action));
    }

    private void AfterWrite(SessionAction action)
    {
        if (idleGoodbyePending && action != SessionAction.Close)
        {
            // The idle timer fired while this reply was in flight; the goodbye follows it instead of the next command.
            idleGoodbyePending = false;
            SayIdleGoodbye();
            return;
        }
        switch (action)
        {
            case SessionAction.Close:
                closing = true;
                Context.Stop(Self);
                return;
            case SessionAction.StartCompression:
                // No read is in flight (the actor reads only when the session asks for more), so every byte read
                // from here on goes through the inflater.
                connection.StartCompressionAsync().PipeTo(Self, success: () => new Written(SessionAction.Continue));
                return;
            case SessionAction.StartTls when certificate is not null:
                // Bytes the client pipelined after STARTTLS are dropped here, before the handshake.
                framer.Clear();
                connection.UpgradeToTlsAsync(certificate, stopping.Token).PipeTo(Self, success: () => new TlsReady(false));
                return;
            default:
                busy = false;
                if (wakeUpPending) OnWakeUp();
                else Pump();
                return;
        }
    }

    private void OnWakeUp()
    {
        if (closing) return;
        if (busy)
        {
            // Speaking now would interleave with the step in progress; the session is asked once that step is written.
            wakeUpPending = true;
            return;
        }
        wakeUpPending = false;
        busy = true;
        streamSession!.WakeUpAsync(stopping.Token).AsTask().PipeTo(Self);
    }

    private void OnIdle()
    {
        if (closing) return;
        closing = true;
        if (busy)
        {
            // A reply is being computed, written or held back; a second concurrent write would interleave, so the
            // goodbye waits for that write to finish (AfterWrite) and then closes the connection.
            idleGoodbyePending = true;
            return;
        }
        SayIdleGoodbye();
    }

    private void SayIdleGoodbye()
    {
        var goodbye = session.IdleTimeout();
        connection.WriteAsync(goodbye.Output, stopping.Token).PipeTo(Self, success: () => new Written(SessionAction.Close));
    }

    private void Fail(Exception cause)
    {
        // A vanished peer or a failed handshake ends the session; nothing else can be done for it.
        log.Debug("Session with {0} ends: {1}", connection.Remote, cause.Message);
        Context.Stop(Self);
    }

    private void RestartIdleTimer() => Timers.StartSingleTimer(IdleTimer, IdleExpired.Instance, idleTimeout);

    private sealed record TlsReady(bool Implicit);

    private sealed record Received(byte[] Bytes);

    private sealed record DelayedStep(SessionStep Step);

    private sealed record Written(SessionAction Action);

    private sealed class IdleExpired
    {
        public static readonly IdleExpired Instance = new();
    }

    private sealed class WakeUp
    {
        public static readonly WakeUp Instance = new();
    }
}
