namespace ePost.Mail.Backend;

/// <summary>A user's INBOX as POP3 needs it; implemented by the POST layer over the user's folder log.</summary>
public interface IMailboxAccess
{
    /// <summary>The INBOX messages in arrival order (POP3 numbers them 1..n in this order for the whole session).</summary>
    Task<IReadOnlyList<MailboxMessage>> ListInboxAsync(MailUser user, CancellationToken cancellation);

    /// <summary>The message bytes with CR LF line ends, or null if it no longer exists.</summary>
    Task<byte[]?> ReadAsync(MailUser user, string uniqueId, CancellationToken cancellation);

    /// <summary>Deletes all the given messages or none of them (one log entry); ids already gone are ignored.</summary>
    Task DeleteAsync(MailUser user, IReadOnlyCollection<string> uniqueIds, CancellationToken cancellation);
}
