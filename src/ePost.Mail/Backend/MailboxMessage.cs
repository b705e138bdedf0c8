namespace ePost.Mail.Backend;

/// <summary>One message of a mailbox as POP3 lists it.</summary>
/// <param name="UniqueId">Stable id, 1 to 70 characters in 0x21..0x7E (RFC 1939 UIDL), never reused for another message.</param>
/// <param name="Size">Exact size in octets of the message as <see cref="IMailboxAccess.ReadAsync"/> returns it (CR LF line ends).</param>
public sealed record MailboxMessage(string UniqueId, long Size);
