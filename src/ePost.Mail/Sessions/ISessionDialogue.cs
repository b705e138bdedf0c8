namespace ePost.Mail.Sessions;

/// <summary>
/// What every protocol session shows the <see cref="SessionActor"/>, however it frames its input: the greeting, the
/// idle goodbye and the TLS reset. Line protocols implement <see cref="IProtocolSession"/>, IMAP
/// <see cref="IStreamProtocolSession"/>.
/// </summary>
public interface ISessionDialogue
{
    /// <summary>The banner sent when the connection opens (after the handshake for implicit TLS).</summary>
    SessionStep Greeting();

    /// <summary>The goodbye sent when the client has been idle too long; the connection closes after it.</summary>
    SessionStep IdleTimeout();

    /// <summary>Called once the STARTTLS handshake has completed; the protocol resets its state as its RFC requires.</summary>
    void TlsEstablished();
}
