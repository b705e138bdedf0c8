namespace ePost.Mail.Imap.Mailbox;

/// <summary>
/// Decides which session sees a message as \Recent: the first session to be told of it (RFC 3501 §2.3.2).
/// The folder's single owner (its actor) keeps one ledger and claims on behalf of each session it updates.
/// </summary>
public sealed class RecentLedger(uint firstUnclaimedUid = 1)
{
    /// <summary>UIDs from here on have not been claimed by any session yet.</summary>
    public uint FirstUnclaimedUid { get; private set; } = firstUnclaimedUid;

    /// <summary>Claims every not yet claimed UID of <paramref name="snapshot"/> for one session.</summary>
    public IReadOnlyList<uint> Claim(MailboxSnapshot snapshot)
    {
        var claimed = snapshot.Messages.Where(m => m.Uid >= FirstUnclaimedUid).Select(m => m.Uid).ToList();
        FirstUnclaimedUid = Math.Max(FirstUnclaimedUid, snapshot.UidNext);
        return claimed;
    }
}
