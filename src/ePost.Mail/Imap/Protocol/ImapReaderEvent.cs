namespace ePost.Mail.Imap.Protocol;

/// <summary>What the command reader tells the session, in the order the session must act on it.</summary>
public abstract record ImapReaderEvent;

/// <summary>A complete command (all lines and literals) is ready for <see cref="ImapCommandParser"/>.</summary>
public sealed record ImapCommandFramed(ImapCommandFrame Frame) : ImapReaderEvent;

/// <summary>The client waits for "+ ..." before sending a synchronizing literal: send it now.</summary>
public sealed record ImapContinuationNeeded(string Text) : ImapReaderEvent;

/// <summary>
/// The command was refused while framing; send "<c>Tag Status [Code] Text</c>" (Tag "*" means untagged).
/// The reader has already arranged to drop the rest of that command.
/// </summary>
public sealed record ImapCommandRejected(string Tag, ImapStatus Status, string? Code, string Text) : ImapReaderEvent;

/// <summary>A line the session asked for with <see cref="ImapCommandReader.ExpectContinuationLine"/> (IDLE's DONE, SASL data).</summary>
public sealed record ImapContinuationLine(string Line) : ImapReaderEvent;

/// <summary>Framing cannot be recovered: send "* BYE Text" and close. The reader accepts no more input.</summary>
public sealed record ImapConnectionClosing(string Text) : ImapReaderEvent;
