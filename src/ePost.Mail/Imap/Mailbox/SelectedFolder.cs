using ePost.Mail.Backend;

namespace ePost.Mail.Imap.Mailbox;

/// <summary>
/// A session's selected folder: its name, EXAMINE or SELECT, the client's <see cref="SelectedMailboxView"/>, and the
/// per-message facts the view does not keep (internal date, size), including those of messages expunged elsewhere
/// whose numbers the client still holds.
/// </summary>
public sealed class SelectedFolder
{
    private Dictionary<uint, FolderMessage> _messages;

    /// <summary>Opens the folder as read from the store.</summary>
    public SelectedFolder(string name, bool readOnly, FolderState state, SelectedMailboxView view)
    {
        Name = name;
        ReadOnly = readOnly;
        View = view;
        _messages = state.Messages.ToDictionary(m => m.Uid);
    }

    /// <summary>The folder's name.</summary>
    public string Name { get; private set; }

    /// <summary>True after EXAMINE: nothing the session does may change the folder (not even \Seen).</summary>
    public bool ReadOnly { get; }

    /// <summary>The client's numbering and flags.</summary>
    public SelectedMailboxView View { get; }

    /// <summary>True when a message vanished while EXPUNGE could not be told (FETCH, STORE, SEARCH); told at the next chance.</summary>
    public bool ExpungeDeferred { get; set; }

    /// <summary>Keywords the client has been told of by FLAGS and PERMANENTFLAGS (at SELECT and since).</summary>
    public HashSet<string> AnnouncedKeywords { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Keywords in <paramref name="state"/> the client has not been told of yet, in order; they count as told.</summary>
    public IReadOnlyList<string> AnnounceKeywords(FolderState state)
    {
        var fresh = new List<string>();
        foreach (var keyword in Keywords(state))
            if (AnnouncedKeywords.Add(keyword)) fresh.Add(keyword);
        return fresh;
    }

    /// <summary>The keywords (flags without a backslash) used in <paramref name="state"/>, distinct and in order.</summary>
    public static IEnumerable<string> Keywords(FolderState state) =>
        state.Messages.SelectMany(m => m.Flags).Where(f => !f.StartsWith('\\'))
            .Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal);

    /// <summary>The stored facts of a message the client knows.</summary>
    public FolderMessage this[uint uid] => _messages[uid];

    /// <summary>Follows a RENAME of this folder or of one of its parents by the session itself.</summary>
    public void FollowRename(string from, string to)
    {
        if (Name == from) Name = to;
        else if (Name.StartsWith(from + "/", StringComparison.Ordinal)) Name = to + Name[from.Length..];
    }

    /// <summary>Takes the facts of a newer read, keeping those of messages the client still numbers.</summary>
    public void Update(FolderState state)
    {
        var next = state.Messages.ToDictionary(m => m.Uid);
        foreach (var uid in View.Uids)
            if (!next.ContainsKey(uid) && _messages.TryGetValue(uid, out var old)) next[uid] = old;
        _messages = next;
    }

    /// <summary>The store's folder state as the snapshot the view synchronises to.</summary>
    public static MailboxSnapshot Snapshot(FolderState state) =>
        new(state.UidValidity, state.UidNext, state.Messages.Select(m => MailboxEntry.Create(m.Uid, m.Flags, m.ModSeq)), state.HighestModSeq);
}
