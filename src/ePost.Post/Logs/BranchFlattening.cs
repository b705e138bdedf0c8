namespace ePost.Post.Logs;

/// <summary>
/// Turns a branch that contains snapshot records into plain operations against the fork's ancestor, so the merge
/// sees every change of it. <see cref="LogMerge"/> reads a local snapshot as a mere restatement of the records
/// before it; that holds for periodic snapshots, but not for a snapshot that replaced history (a merge's result, or
/// the start of a log this node adopted), whose changes appear in no earlier record of the branch.
/// </summary>
/// <remarks>
/// The last snapshot of the branch is compared with the ancestor: messages (by UID and reference) only in the
/// snapshot become inserts, messages only in the ancestor become a delete, changed flags a flag change; the records
/// after the snapshot follow unchanged. A message that kept its UID but changed its reference is re-inserted under a
/// fresh UID. Folder lists likewise become deletes, renames, creates and subscription changes. The synthesized
/// records carry the snapshot's sequence number. Pure.
/// </remarks>
public static class BranchFlattening
{
    /// <summary>The folder branch as plain operations against <paramref name="ancestor"/>.</summary>
    public static IReadOnlyList<LogRecord> Folder(FolderLogState ancestor, IReadOnlyList<LogRecord> branch)
    {
        ArgumentNullException.ThrowIfNull(ancestor);
        ArgumentNullException.ThrowIfNull(branch);
        var last = LastSnapshot(branch, e => e is FolderSnapshot);
        if (last < 0) return branch;
        var at = branch[last];
        var snapshot = ((FolderSnapshot)at.Entry).State;
        var records = new List<LogRecord>();
        void Add(LogEntry entry) => records.Add(new LogRecord(at.Seq, at.Previous, at.MergedFrom, entry));

        var gone = ancestor.Messages.Where(m => snapshot.Find(m.Uid) is not { } kept || kept.Ref != m.Ref).Select(m => m.Uid).ToList();
        if (gone.Count > 0) Add(new MessagesDeleted(gone));
        var nextFresh = Math.Max(ancestor.UidNext, snapshot.UidNext);
        var inserts = new List<MessageInserted>();
        foreach (var message in snapshot.Messages)
        {
            var before = ancestor.Find(message.Uid);
            if (before is not null && before.Ref == message.Ref) continue;
            // A UID the ancestor used for other mail cannot be inserted again: the mail gets a fresh one.
            var uid = before is null && message.Uid >= ancestor.UidNext ? message.Uid : nextFresh++;
            inserts.Add(new MessageInserted(uid, message.Flags, message.InternalDateMs, message.Size, message.Ref, null, message.SavedAtMs));
        }
        foreach (var insert in inserts.OrderBy(i => i.Uid)) Add(insert);
        var flags = snapshot.Messages
            .Where(m => ancestor.Find(m.Uid) is { } before && before.Ref == m.Ref && !MessageFlags.SameFlags(before.Flags, m.Flags))
            .Select(m => new FlagSet(m.Uid, m.Flags)).ToList();
        if (flags.Count > 0) Add(new FlagsChanged(flags));
        records.AddRange(branch.Skip(last + 1));
        return records;
    }

    /// <summary>The root branch as plain operations against <paramref name="ancestor"/>.</summary>
    public static IReadOnlyList<LogRecord> Root(RootLogState ancestor, IReadOnlyList<LogRecord> branch)
    {
        ArgumentNullException.ThrowIfNull(ancestor);
        ArgumentNullException.ThrowIfNull(branch);
        var last = LastSnapshot(branch, e => e is RootSnapshot);
        if (last < 0) return branch;
        var at = branch[last];
        var snapshot = ((RootSnapshot)at.Entry).State;
        var records = new List<LogRecord>();
        void Add(LogEntry entry) => records.Add(new LogRecord(at.Seq, at.Previous, at.MergedFrom, entry));

        foreach (var id in ancestor.Folders.Keys.Where(id => !snapshot.Folders.ContainsKey(id))) Add(new FolderDeleted(id));
        foreach (var (id, folder) in snapshot.Folders)
            if (ancestor.Folders.TryGetValue(id, out var before) && before.Name != folder.Name) Add(new FolderRenamed(id, folder.Name));
        foreach (var (id, folder) in snapshot.Folders.Where(f => !ancestor.Folders.ContainsKey(f.Key)))
            Add(new FolderCreated(id, folder.Name, folder.UidValidity));
        foreach (var name in snapshot.Subscriptions.Except(ancestor.Subscriptions)) Add(new SubscriptionChanged(name, true));
        foreach (var name in ancestor.Subscriptions.Except(snapshot.Subscriptions)) Add(new SubscriptionChanged(name, false));
        records.AddRange(branch.Skip(last + 1));
        return records;
    }

    private static int LastSnapshot(IReadOnlyList<LogRecord> branch, Func<LogEntry, bool> isSnapshot)
    {
        for (var i = branch.Count - 1; i >= 0; i--)
            if (isSnapshot(branch[i].Entry)) return i;
        return -1;
    }
}
