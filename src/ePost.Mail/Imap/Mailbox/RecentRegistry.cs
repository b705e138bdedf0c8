using ePost.Mail.Backend;

namespace ePost.Mail.Imap.Mailbox;

/// <summary>
/// The \Recent ledgers of every user's folders on this node (RFC 3501 §2.3.2: the first session to be told of a
/// message sees it as \Recent, no other does). Shared by all IMAP sessions of a listener; thread-safe.
/// </summary>
/// <remarks>
/// A ledger is keyed by UIDVALIDITY too, so a folder deleted and created again starts afresh. Ledgers live in memory:
/// after a node restart every message is \Recent once more for the first session (docs/decisions.md).
/// </remarks>
public sealed class RecentRegistry
{
    private readonly Dictionary<(string User, string Folder, uint UidValidity), RecentLedger> _ledgers = new();
    private readonly object _gate = new();

    /// <summary>Claims for one session every UID of <paramref name="snapshot"/> that no session has been told of yet.</summary>
    public IReadOnlyList<uint> Claim(MailUser user, string folder, MailboxSnapshot snapshot)
    {
        lock (_gate) return Ledger(user, folder, snapshot.UidValidity).Claim(snapshot);
    }

    /// <summary>
    /// The UIDs of <paramref name="snapshot"/> no session has claimed yet, claiming nothing: what EXAMINE reports as
    /// \Recent (RFC 3501 §6.3.2: the same answer as SELECT, but a read-only look takes \Recent from no one).
    /// </summary>
    public IReadOnlyList<uint> Peek(MailUser user, string folder, MailboxSnapshot snapshot)
    {
        lock (_gate)
        {
            uint first = _ledgers.TryGetValue(Key(user, folder, snapshot.UidValidity), out var ledger) ? ledger.FirstUnclaimedUid : 1;
            return snapshot.Messages.Where(m => m.Uid >= first).Select(m => m.Uid).ToList();
        }
    }

    /// <summary>How many messages of <paramref name="state"/> no session has seen yet (STATUS RECENT; claims nothing).</summary>
    public uint CountUnclaimed(MailUser user, string folder, FolderState state)
    {
        lock (_gate)
        {
            uint first = _ledgers.TryGetValue(Key(user, folder, state.UidValidity), out var ledger) ? ledger.FirstUnclaimedUid : 1;
            return (uint)state.Messages.Count(m => m.Uid >= first);
        }
    }

    private RecentLedger Ledger(MailUser user, string folder, uint uidValidity)
    {
        var key = Key(user, folder, uidValidity);
        if (!_ledgers.TryGetValue(key, out var ledger)) _ledgers[key] = ledger = new RecentLedger();
        return ledger;
    }

    private static (string, string, uint) Key(MailUser user, string folder, uint uidValidity) =>
        (user.Address.ToLowerInvariant(), folder, uidValidity);
}
