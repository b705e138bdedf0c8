namespace ePost.Mail.Sessions;

/// <summary>
/// A protocol's session logic as a state machine: lines in, replies and actions out. It never touches sockets or timers;
/// the <see cref="SessionActor"/> hosts it, and transcript tests drive it directly.
/// </summary>
public interface IProtocolSession
{
    /// <summary>The framing limit for the next line, including CR LF (commands and message data differ).</summary>
    int MaxLineLength { get; }

    /// <summary>The banner sent when the connection opens (after the handshake for implicit TLS).</summary>
    SessionStep Greeting();

    /// <summary>Handles one line; the next line is only fed once the returned step has been carried out.</summary>
    ValueTask<SessionStep> HandleAsync(FramedLine line, CancellationToken cancellation);

    /// <summary>The goodbye sent when the client has been idle too long; the connection closes after it.</summary>
    SessionStep IdleTimeout();

    /// <summary>Called once the STARTTLS handshake has completed; the protocol resets its state as its RFC requires.</summary>
    void TlsEstablished();
}
