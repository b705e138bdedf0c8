namespace ePost.Post.Logs;

/// <summary>Derives a user's root state from the root log's records (pure).</summary>
/// <remarks>
/// The single writer never creates a folder under a used name or id, nor renames onto a used name, so such a record
/// means a corrupt or foreign log and is refused; a rename or delete of an unknown folder is ignored, like a delete of an
/// unknown UID in a folder log. Conflicts between forked branches are the merge's business (<see cref="LogMerge"/>).
/// </remarks>
public static class RootReplay
{
    /// <summary>The state after <paramref name="record"/>.</summary>
    /// <exception cref="LogFormatException">The record is not a root entry or contradicts the state.</exception>
    public static RootLogState Apply(RootLogState state, LogRecord record)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(record);
        switch (record.Entry)
        {
            case FolderCreated created:
                if (state.Folders.ContainsKey(created.FolderId))
                    throw new LogFormatException($"Record {record.Seq} creates folder {created.FolderId}, which already exists.");
                return state.WithFolder(created.FolderId, new RootFolder(created.Name, created.UidValidity));
            case FolderRenamed renamed:
                return state.Folders.TryGetValue(renamed.FolderId, out var folder)
                    ? state.WithFolder(renamed.FolderId, folder with { Name = renamed.NewName })
                    : state;
            case FolderDeleted deleted:
                return state.WithoutFolder(deleted.FolderId);
            case SubscriptionChanged subscription:
                return state.WithSubscriptions(subscription.Subscribed
                    ? state.Subscriptions.Add(subscription.Name)
                    : state.Subscriptions.Remove(subscription.Name));
            case RootSnapshot snapshot:
                return snapshot.State;
            default:
                throw new LogFormatException($"Record {record.Seq} holds a {record.Entry.GetType().Name}, which does not belong in the root log.");
        }
    }

    /// <summary>The state after every record of <paramref name="records"/>, in order, starting from <paramref name="start"/>.</summary>
    public static RootLogState Replay(RootLogState start, IEnumerable<LogRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var state = start;
        foreach (var record in records)
            state = Apply(state, record);
        return state;
    }
}
