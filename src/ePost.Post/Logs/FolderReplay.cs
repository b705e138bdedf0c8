namespace ePost.Post.Logs;

/// <summary>Derives a folder's state from its log records (pure).</summary>
/// <remarks>
/// Every record except a snapshot raises HIGHESTMODSEQ to its Seq, even when it changes nothing (a duplicate delivery,
/// a delete of an expunged UID), so HIGHESTMODSEQ only grows. A snapshot replaces the state exactly: replaying a
/// snapshot and the records after it gives the same state as replaying everything.
/// </remarks>
public static class FolderReplay
{
    /// <summary>The state after <paramref name="record"/>.</summary>
    /// <exception cref="LogFormatException">The record is not a folder entry or contradicts the state (UID reused).</exception>
    public static FolderLogState Apply(FolderLogState state, LogRecord record)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(record);
        return record.Entry switch
        {
            MessageInserted insert => Insert(state, insert, record.Seq),
            MessagesDeleted delete => Delete(state, delete, record.Seq),
            FlagsChanged change => ChangeFlags(state, change, record.Seq),
            FolderSnapshot snapshot => snapshot.State,
            _ => throw new LogFormatException($"Record {record.Seq} holds a {record.Entry.GetType().Name}, which does not belong in a folder log."),
        };
    }

    /// <summary>The state after every record of <paramref name="records"/>, in order, starting from <paramref name="start"/>.</summary>
    public static FolderLogState Replay(FolderLogState start, IEnumerable<LogRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var state = start;
        foreach (var record in records)
            state = Apply(state, record);
        return state;
    }

    private static FolderLogState Insert(FolderLogState state, MessageInserted insert, ulong seq)
    {
        var highest = Math.Max(state.HighestModSeq, seq);
        if (insert.DeliveryId is not null && state.DeliveredIds.Contains(insert.DeliveryId))
            return state.With(highestModSeq: highest);
        if (insert.Uid == 0 || insert.Uid == uint.MaxValue)
            throw new LogFormatException($"Record {seq} inserts UID {insert.Uid}, which is not a usable UID.");
        if (insert.Uid < state.UidNext)
            throw new LogFormatException($"Record {seq} inserts UID {insert.Uid} below UIDNEXT {state.UidNext}: UIDs are never reused.");
        var message = new LoggedMessage(insert.Uid, insert.Flags, insert.InternalDateMs, insert.Size, insert.Ref, seq, insert.SavedAtMs);
        // UID >= UIDNEXT > every existing UID, so the new message belongs at the end.
        return state.With(
            uidNext: insert.Uid + 1,
            messages: state.Messages.Add(message),
            highestModSeq: highest,
            deliveredIds: insert.DeliveryId is null ? null : state.DeliveredIds.Add(insert.DeliveryId));
    }

    private static FolderLogState Delete(FolderLogState state, MessagesDeleted delete, ulong seq)
    {
        var messages = state.Messages;
        foreach (var uid in delete.Uids)
        {
            var index = IndexOf(messages, uid);
            if (index >= 0)
                messages = messages.RemoveAt(index);
        }
        return state.With(messages: messages, highestModSeq: Math.Max(state.HighestModSeq, seq));
    }

    private static FolderLogState ChangeFlags(FolderLogState state, FlagsChanged change, ulong seq)
    {
        var messages = state.Messages;
        foreach (var set in change.Changes)
        {
            var index = IndexOf(messages, set.Uid);
            if (index >= 0)
                messages = messages.SetItem(index, messages[index].WithFlags(set.Flags, seq));
        }
        return state.With(messages: messages, highestModSeq: Math.Max(state.HighestModSeq, seq));
    }

    internal static int IndexOf(System.Collections.Immutable.ImmutableList<LoggedMessage> messages, uint uid)
    {
        int low = 0, high = messages.Count - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) >> 1);
            var found = messages[middle].Uid;
            if (found == uid)
                return middle;
            if (found < uid)
                low = middle + 1;
            else
                high = middle - 1;
        }
        return -1;
    }
}
