using System.Text;

namespace ePost.Post.Logs;

/// <summary>Merges the two branches of a forked root log (see <see cref="LogMerge.MergeRoot"/> for the rules).</summary>
internal static class RootMerge
{
    public static RootLogState Merge(RootLogState ancestor, IReadOnlyList<LogRecord> ringBranch, IReadOnlyList<LogRecord> localBranch)
    {
        ArgumentNullException.ThrowIfNull(ancestor);
        ArgumentNullException.ThrowIfNull(ringBranch);
        ArgumentNullException.ThrowIfNull(localBranch);
        var ringEnd = RootReplay.Replay(ancestor, ringBranch);
        var localEnd = RootReplay.Replay(ancestor, localBranch);
        if (localBranch.Count == 0 || ringEnd.Equals(localEnd))
            return ringEnd;
        if (ringBranch.Count == 0)
            return localEnd;

        var ringDeleted = Deleted(ringBranch);
        var localDeleted = Deleted(localBranch);
        var ringRenamed = ringBranch.Select(r => r.Entry).OfType<FolderRenamed>().Select(r => r.FolderId).ToHashSet();
        // A delete stands if the other side cannot have filed mail into the folder since the fork: it did not exist
        // there (created on this branch) or the other side deleted it too. Every other delete is cancelled.
        bool DeleteStands(ulong id) =>
            !ancestor.Folders.ContainsKey(id) || (ringDeleted.Contains(id) && localDeleted.Contains(id));

        var state = ancestor;
        foreach (var record in ringBranch)
            state = ApplyTolerant(state, record.Entry, DeleteStands, renameWins: _ => true);
        foreach (var record in localBranch)
            state = ApplyTolerant(state, record.Entry, DeleteStands, renameWins: id => !ringRenamed.Contains(id));

        var next = Math.Max(state.NextUidValidity, Math.Max(ringEnd.NextUidValidity, localEnd.NextUidValidity));
        return state.WithSubscriptions(ringEnd.Subscriptions.Union(localEnd.Subscriptions)).WithNextUidValidity(next);
    }

    private static HashSet<ulong> Deleted(IEnumerable<LogRecord> branch) =>
        branch.Select(r => r.Entry).OfType<FolderDeleted>().Select(d => d.FolderId).ToHashSet();

    /// <summary>Applies a folder operation, resolving name clashes with a suffix instead of refusing them.</summary>
    private static RootLogState ApplyTolerant(RootLogState state, LogEntry entry, Func<ulong, bool> deleteStands,
        Func<ulong, bool> renameWins)
    {
        switch (entry)
        {
            case FolderCreated created:
                if (state.Folders.TryGetValue(created.FolderId, out var existing))
                {
                    if (existing.UidValidity == created.UidValidity)
                        return state;  // the same creation seen on both branches
                    throw new LogFormatException(
                        $"Both branches created folder id {created.FolderId} as different folders; folder ids must be drawn at random.");
                }
                return state.WithFolder(created.FolderId,
                    new RootFolder(FreeName(state, created.Name, created.FolderId), created.UidValidity));
            case FolderRenamed renamed:
                if (!renameWins(renamed.FolderId) || !state.Folders.TryGetValue(renamed.FolderId, out var folder))
                    return state;
                return state.WithFolder(renamed.FolderId, folder with { Name = FreeName(state, renamed.NewName, renamed.FolderId) });
            case FolderDeleted deleted:
                return deleteStands(deleted.FolderId) ? state.WithoutFolder(deleted.FolderId) : state;
            default:
                return state;  // subscriptions are merged as sets afterwards; snapshots restate their branch
        }
    }

    /// <summary><paramref name="name"/> if it is free for folder <paramref name="id"/>, else the first free "name (n)", n ≥ 2.</summary>
    internal static string FreeName(RootLogState state, string name, ulong id)
    {
        if (state.FolderIdOf(name) is not { } holder || holder == id)
            return name;
        for (var n = 2; ; n++)
        {
            var suffix = $" ({n})";
            var stem = name;
            // Keep the result within the name bound; drop whole characters (a surrogate pair together).
            while (stem.Length > 0 && Encoding.UTF8.GetByteCount(stem + suffix) > LogLimits.MaxNameBytes)
                stem = stem[..^(stem.Length >= 2 && char.IsLowSurrogate(stem[^1]) ? 2 : 1)];
            var candidate = stem + suffix;
            if (state.FolderIdOf(candidate) is not { } other || other == id)
                return candidate;
        }
    }
}
