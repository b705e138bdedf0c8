namespace ePost.Mail.Sessions;

/// <summary>
/// A line protocol's session logic as a state machine: lines in, replies and actions out. It never touches sockets or
/// timers; the <see cref="SessionActor"/> hosts it, and transcript tests drive it directly.
/// </summary>
public interface IProtocolSession : ISessionDialogue
{
    /// <summary>The framing limit for the next line, including CR LF (commands and message data differ).</summary>
    int MaxLineLength { get; }

    /// <summary>Handles one line; the next line is only fed once the returned step has been carried out.</summary>
    ValueTask<SessionStep> HandleAsync(FramedLine line, CancellationToken cancellation);

    /// <summary>
    /// Octets the session wants next as raw bytes instead of lines (an SMTP BDAT chunk, RFC 3030); 0 when it wants lines.
    /// </summary>
    long RawOctetsWanted => 0;

    /// <summary>Handles raw bytes, at most <see cref="RawOctetsWanted"/> of them, in as many pieces as they arrive in.</summary>
    ValueTask<SessionStep> HandleRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellation) =>
        throw new InvalidOperationException("This session never asks for raw bytes.");
}
