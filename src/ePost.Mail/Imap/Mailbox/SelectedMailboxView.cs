using ePost.Mail.Imap.Protocol;
using ePost.Mail.Imap.Sequences;

namespace ePost.Mail.Imap.Mailbox;

/// <summary>
/// The selected mailbox as one session's client knows it: message numbering, flags last reported, and this
/// session's \Recent set. <see cref="Synchronize"/> moves it to a newer folder snapshot and says what to tell
/// the client (EXPUNGE, EXISTS, RECENT, FETCH FLAGS) so that client and view agree again.
/// </summary>
public sealed class SelectedMailboxView
{
    /// <summary>The system flags every mailbox supports.</summary>
    public static readonly IReadOnlyList<string> SystemFlags = ["\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft"];

    private readonly List<MailboxEntry> _messages;
    private readonly HashSet<uint> _recent;
    private readonly HashSet<uint> _pendingExpunge = [];
    private uint _highestKnownUid;

    /// <summary>Opens a view on <paramref name="snapshot"/>, with the UIDs this session claimed as \Recent.</summary>
    public SelectedMailboxView(MailboxSnapshot snapshot, IEnumerable<uint> recentUids)
    {
        _messages = [.. snapshot.Messages];
        _recent = [.. recentUids];
        UidValidity = snapshot.UidValidity;
        UidNext = snapshot.UidNext;
        HighestModSeq = snapshot.HighestModSeq;
        _highestKnownUid = _messages.Count > 0 ? _messages[^1].Uid : 0;
    }

    /// <summary>
    /// IMAP4rev2 is enabled (RFC 9051 Appendix E): \Recent is gone, so no RECENT responses, no \Recent in FLAGS and no
    /// UNSEEN response code at SELECT; the session's \Recent bookkeeping goes on for SEARCH RECENT and STATUS RECENT.
    /// </summary>
    public bool Imap4Rev2 { get; init; }

    /// <summary>UIDVALIDITY of the selected folder.</summary>
    public uint UidValidity { get; }

    /// <summary>UIDNEXT as of the last synchronisation.</summary>
    public uint UidNext { get; private set; }

    /// <summary>HIGHESTMODSEQ as of the last synchronisation.</summary>
    public ulong HighestModSeq { get; private set; }

    /// <summary>Number of messages the client knows (EXISTS), including expunged ones not yet reported.</summary>
    public uint Count => (uint)_messages.Count;

    /// <summary>The messages the client knows, in order (QRESYNC reports those changed since its MODSEQ).</summary>
    public IReadOnlyList<MailboxEntry> Messages => _messages;

    /// <summary>Messages \Recent for this session.</summary>
    public uint RecentCount => (uint)_messages.Count(m => _recent.Contains(m.Uid));

    /// <summary>UIDs in client order (ascending), for resolving UID sets.</summary>
    public IReadOnlyList<uint> Uids => _messages.Select(m => m.Uid).ToList();

    /// <summary>The message with sequence number <paramref name="sequenceNumber"/> (1-based).</summary>
    public MailboxEntry this[uint sequenceNumber] => _messages[(int)sequenceNumber - 1];

    /// <summary>The sequence number of a UID, or null when the client does not know it.</summary>
    public uint? SequenceOf(uint uid)
    {
        int index = _messages.BinarySearch(MailboxEntry.Create(uid, []), UidOrder.Instance);
        return index >= 0 ? (uint)index + 1 : null;
    }

    /// <summary>True when the message is \Recent for this session.</summary>
    public bool IsRecent(uint uid) => _recent.Contains(uid);

    /// <summary>True when the message was expunged by another session but the client has not been told yet.</summary>
    public bool IsExpungePending(uint uid) => _pendingExpunge.Contains(uid);

    /// <summary>Flags as the client sees them: stored flags plus \Recent when recent for this session.</summary>
    public IEnumerable<string> FlagsOf(MailboxEntry entry) =>
        !Imap4Rev2 && _recent.Contains(entry.Uid) ? entry.Flags.Append("\\Recent") : entry.Flags;

    /// <summary>The sequence number of the first message without \Seen, or null.</summary>
    public uint? FirstUnseen
    {
        get
        {
            int index = _messages.FindIndex(m => !m.Flags.Contains("\\Seen"));
            return index >= 0 ? (uint)index + 1 : null;
        }
    }

    /// <summary>
    /// The sequence numbers a command's set names: UIDs not in the view are ignored (RFC 3501 §6.4.8), while a
    /// message number beyond the view is an error, returned as null so the session can answer BAD.
    /// </summary>
    public IReadOnlyList<uint>? Resolve(SequenceSet set, bool uid)
    {
        if (uid) return set.ResolveUids(Uids).Select(u => SequenceOf(u)!.Value).ToList();
        return set.IsWithin(Count) ? set.ResolveSequenceNumbers(Count) : null;
    }

    /// <summary>
    /// Moves the view to <paramref name="next"/>. When <paramref name="allowExpunge"/> is false (during FETCH,
    /// STORE, SEARCH, RFC 3501 §7.4.1) vanished messages stay numbered until a later synchronisation.
    /// </summary>
    public MailboxUpdate Synchronize(MailboxSnapshot next, IReadOnlyCollection<uint> newlyRecent, bool allowExpunge)
    {
        if (next.UidValidity != UidValidity)
            throw new InvalidOperationException("UIDVALIDITY changed: the session must close the mailbox, not synchronise");
        var expunged = new List<uint>();
        var expungedUids = new List<uint>();
        for (int i = _messages.Count - 1; i >= 0; i--)
        {
            uint uid = _messages[i].Uid;
            if (next.Find(uid) is not null) continue;
            if (allowExpunge)
            {
                expunged.Add((uint)i + 1);
                expungedUids.Add(uid);
                _messages.RemoveAt(i);
                _recent.Remove(uid);
                _pendingExpunge.Remove(uid);
            }
            else _pendingExpunge.Add(uid);
        }

        var flagChanges = new List<FlagUpdate>();
        for (int i = 0; i < _messages.Count; i++)
        {
            var current = next.Find(_messages[i].Uid);
            if (current is null || current.SameFlags(_messages[i]) && current.ModSeq == _messages[i].ModSeq) continue;
            bool flagsChanged = !current.SameFlags(_messages[i]);
            _messages[i] = current;
            if (flagsChanged) flagChanges.Add(new FlagUpdate((uint)i + 1, current));
        }

        int before = _messages.Count;
        foreach (var entry in next.Messages)
        {
            if (entry.Uid <= _highestKnownUid) continue;
            _messages.Add(entry);
            _highestKnownUid = entry.Uid;
        }
        foreach (uint uid in newlyRecent) _recent.Add(uid);
        bool grew = _messages.Count > before;

        UidNext = next.UidNext;
        HighestModSeq = next.HighestModSeq;
        return new MailboxUpdate(expunged, grew ? Count : null, grew && !Imap4Rev2 ? RecentCount : null, flagChanges) { ExpungedUids = expungedUids };
    }

    /// <summary>Writes the untagged data of a SELECT/EXAMINE reply (everything before the tagged OK).</summary>
    /// <remarks>A read-only (EXAMINE) view announces no permanent flags: the client can change none (RFC 3501 §6.3.2).</remarks>
    public void WriteSelectData(ImapResponseWriter writer, IEnumerable<string> keywords, bool condStore, bool readOnly = false)
    {
        WriteFlags(writer, keywords, readOnly);
        writer.Untagged($"{Count} EXISTS");
        if (!Imap4Rev2) writer.Untagged($"{RecentCount} RECENT");
        if (!Imap4Rev2 && FirstUnseen is { } unseen) writer.UntaggedStatus(ImapStatus.Ok, $"UNSEEN {unseen}", "First unseen");
        writer.UntaggedStatus(ImapStatus.Ok, $"UIDVALIDITY {UidValidity}", "UIDs valid");
        writer.UntaggedStatus(ImapStatus.Ok, $"UIDNEXT {UidNext}", "Predicted next UID");
        if (condStore) writer.UntaggedStatus(ImapStatus.Ok, $"HIGHESTMODSEQ {HighestModSeq}", "Highest");
    }

    /// <summary>
    /// The untagged FLAGS and PERMANENTFLAGS for <paramref name="keywords"/>: at SELECT, and again whenever a keyword
    /// the client was not told of appears, before any FETCH shows it (RFC 3501 §7.2.6).
    /// </summary>
    public static void WriteFlags(ImapResponseWriter writer, IEnumerable<string> keywords, bool readOnly)
    {
        var flags = SystemFlags.Concat(keywords).ToList();
        writer.Raw("* FLAGS ").FlagList(flags).EndLine();
        writer.Raw("* OK [PERMANENTFLAGS ").FlagList(readOnly ? [] : flags.Append("\\*")).Raw("] ")
            .Raw(readOnly ? "No permanent flags permitted" : "Flags permitted").EndLine();
    }

    private sealed class UidOrder : IComparer<MailboxEntry>
    {
        public static readonly UidOrder Instance = new();

        public int Compare(MailboxEntry? x, MailboxEntry? y) => x!.Uid.CompareTo(y!.Uid);
    }
}
