using ePost.Mail.Imap.Sequences;

namespace ePost.Mail.Imap.Commands;

// Commands about the connection itself, valid in most states (RFC 3501 §6.1-6.2, §6.4 CHECK/CLOSE/EXPUNGE,
// and the IDLE, NAMESPACE, ID, ENABLE, UNSELECT extensions). Grouped because each is a line or two.

/// <summary>CAPABILITY.</summary>
public sealed record CapabilityCommand(string Tag) : ImapCommand(Tag);

/// <summary>NOOP.</summary>
public sealed record NoopCommand(string Tag) : ImapCommand(Tag);

/// <summary>LOGOUT.</summary>
public sealed record LogoutCommand(string Tag) : ImapCommand(Tag);

/// <summary>STARTTLS: the session must discard buffered input (<c>ImapCommandReader.DiscardBuffered</c>) before the handshake.</summary>
public sealed record StartTlsCommand(string Tag) : ImapCommand(Tag);

/// <summary>AUTHENTICATE mechanism [initial-response] (SASL-IR); "=" as initial response means empty.</summary>
public sealed record AuthenticateCommand(string Tag, string Mechanism, string? InitialResponse) : ImapCommand(Tag);

/// <summary>LOGIN user password.</summary>
public sealed record LoginCommand(string Tag, string User, string Password) : ImapCommand(Tag)
{
    /// <summary>Never print the password in logs.</summary>
    public override string ToString() => $"LoginCommand {{ Tag = {Tag}, User = {User} }}";
}

/// <summary>IDLE (RFC 2177): the session answers "+ idling" then waits for a DONE continuation line.</summary>
public sealed record IdleCommand(string Tag) : ImapCommand(Tag);

/// <summary>NAMESPACE (RFC 2342).</summary>
public sealed record NamespaceCommand(string Tag) : ImapCommand(Tag);

/// <summary>ID (RFC 2971) with the client's field/value pairs, or null for "ID NIL".</summary>
public sealed record IdCommand(string Tag, IReadOnlyList<KeyValuePair<string, string?>>? Fields) : ImapCommand(Tag);

/// <summary>ENABLE capability... (RFC 5161), capability names upper-cased.</summary>
public sealed record EnableCommand(string Tag, IReadOnlyList<string> Capabilities) : ImapCommand(Tag);

/// <summary>COMPRESS mechanism (RFC 4978); only DEFLATE exists.</summary>
public sealed record CompressCommand(string Tag, string Mechanism) : ImapCommand(Tag);

/// <summary>UNSELECT (RFC 3691): close the mailbox without expunging.</summary>
public sealed record UnselectCommand(string Tag) : ImapCommand(Tag);

/// <summary>CHECK.</summary>
public sealed record CheckCommand(string Tag) : ImapCommand(Tag);

/// <summary>CLOSE: expunge silently, then leave the selected state.</summary>
public sealed record CloseCommand(string Tag) : ImapCommand(Tag);

/// <summary>EXPUNGE, or UID EXPUNGE uid-set (RFC 4315) when <paramref name="Uids"/> is set.</summary>
public sealed record ExpungeCommand(string Tag, SequenceSet? Uids) : ImapCommand(Tag);
