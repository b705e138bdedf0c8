using System.Text.Json;
using ePost.Mail.Backend;

namespace ePost.Mail.Imap.Mailbox;

/// <summary>
/// The \Recent ledgers of every user's folders on this node (RFC 3501 §2.3.2: the first session to be told of a
/// message sees it as \Recent, no other does). Shared by all IMAP sessions of a listener; thread-safe.
/// </summary>
/// <remarks>
/// A ledger is keyed by UIDVALIDITY too, so a folder deleted and created again starts afresh. A ledger is one number
/// (the first UID no session has claimed); with a <c>path</c> every change is written to that file (a temporary file
/// renamed over it), so \Recent survives a restart of the node (docs/decisions.md). Without one, ledgers live in memory.
/// </remarks>
public sealed class RecentRegistry
{
    private readonly Dictionary<(string User, string Folder, uint UidValidity), RecentLedger> _ledgers = new();
    private readonly object _gate = new();
    private readonly string? _path;

    /// <summary>Ledgers in memory only.</summary>
    public RecentRegistry()
    {
    }

    /// <summary>Ledgers kept in the file at <paramref name="path"/>, read now if it exists.</summary>
    /// <remarks>A file that cannot be read is set aside: every message is then \Recent once more, nothing else is lost.</remarks>
    public RecentRegistry(string path)
    {
        _path = path;
        try
        {
            foreach (var entry in JsonSerializer.Deserialize<List<SavedLedger>>(File.ReadAllBytes(path)) ?? [])
                _ledgers[(entry.User, entry.Folder, entry.UidValidity)] = new RecentLedger(entry.FirstUnclaimedUid);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
        }
        catch (JsonException)
        {
            File.Move(path, path + ".unreadable", overwrite: true);
        }
    }

    /// <summary>Claims for one session every UID of <paramref name="snapshot"/> that no session has been told of yet.</summary>
    public IReadOnlyList<uint> Claim(MailUser user, string folder, MailboxSnapshot snapshot)
    {
        lock (_gate)
        {
            var ledger = Ledger(user, folder, snapshot.UidValidity);
            uint before = ledger.FirstUnclaimedUid;
            var claimed = ledger.Claim(snapshot);
            if (ledger.FirstUnclaimedUid != before) Save();
            return claimed;
        }
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

    /// <summary>Writes every ledger (under the gate): a temporary file renamed over the old one, so a crash leaves one or the other.</summary>
    private void Save()
    {
        if (_path is null) return;
        var entries = _ledgers.Select(l => new SavedLedger(l.Key.User, l.Key.Folder, l.Key.UidValidity, l.Value.FirstUnclaimedUid)).ToList();
        var temporary = _path + ".tmp";
        try
        {
            File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(entries));
            File.Move(temporary, _path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A full or read-only disk must not fail a SELECT: the ledger stays right in memory, and the next change
            // writes it again; only a restart before then shows some messages \Recent once more.
        }
    }

    /// <summary>One ledger as the file keeps it.</summary>
    private sealed record SavedLedger(string User, string Folder, uint UidValidity, uint FirstUnclaimedUid);

    private static (string, string, uint) Key(MailUser user, string folder, uint uidValidity) =>
        (user.Address.ToLowerInvariant(), folder, uidValidity);
}
