namespace ePost.Mail.Sessions;

/// <summary>
/// A protocol session that frames its own input and may speak unprompted: IMAP, whose literals are raw bytes that a
/// line framer must not cut, whose long responses are sent in pieces, and whose IDLE pushes updates while it waits for
/// the client. The <see cref="SessionActor"/> hands it received bytes instead of lines.
/// </summary>
public interface IStreamProtocolSession : ISessionDialogue
{
    /// <summary>Adds received bytes (the actor reads more only when <see cref="HandleNext"/> returns null).</summary>
    void Append(ReadOnlySpan<byte> bytes);

    /// <summary>
    /// Starts handling the next complete unit of input, or continues a response that is sent in pieces; null when
    /// more bytes are needed. The actor calls it again once the returned step has been carried out.
    /// </summary>
    ValueTask<SessionStep>? HandleNext(CancellationToken cancellation);

    /// <summary>
    /// Called once, before the greeting, with an action that may be invoked from any thread when the session has
    /// something to say unprompted; the actor then calls <see cref="WakeUpAsync"/> as soon as no step is in progress.
    /// </summary>
    void AttachWakeUp(Action wakeUp);

    /// <summary>The unprompted output (IMAP: untagged updates during IDLE); <see cref="SessionStep.None"/> when there is none.</summary>
    ValueTask<SessionStep> WakeUpAsync(CancellationToken cancellation);
}
