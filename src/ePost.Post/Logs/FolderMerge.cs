namespace ePost.Post.Logs;

/// <summary>Merges the two branches of a forked folder log (see <see cref="LogMerge.MergeFolder"/> for the rules).</summary>
internal static class FolderMerge
{
    public static FolderMergeResult Merge(FolderLogState ancestor, IReadOnlyList<LogRecord> ringBranch, IReadOnlyList<LogRecord> localBranch)
    {
        ArgumentNullException.ThrowIfNull(ancestor);
        ArgumentNullException.ThrowIfNull(ringBranch);
        ArgumentNullException.ThrowIfNull(localBranch);
        var merged = FolderReplay.Replay(ancestor, ringBranch);
        var localEnd = FolderReplay.Replay(ancestor, localBranch);
        // No fork: one side did not write, so the other's history is simply the continuation. The same state on both
        // sides (for example the same branch twice) needs no merge either.
        if (localBranch.Count == 0 || merged.Equals(localEnd))
            return new(merged, []);
        if (ringBranch.Count == 0)
            return new(localEnd, []);

        // Mail the ring side holds or filed, by content: a local insert of one of them is the same mail filed twice.
        // Only inserts that took effect count (a repeated delivery is a no-op and its UID may be given to other mail).
        var ringSide = new Dictionary<(MessageRef, long), uint>();
        var ringView = ancestor;
        foreach (var record in ringBranch)
        {
            if (record.Entry is MessageInserted insert
                && (insert.DeliveryId is null || !ringView.DeliveredIds.Contains(insert.DeliveryId)))
                ringSide.TryAdd((insert.Ref, insert.InternalDateMs), insert.Uid);
            ringView = FolderReplay.Apply(ringView, record);
        }
        foreach (var message in merged.Messages)
            ringSide[(message.Ref, message.InternalDateMs)] = message.Uid;

        // Clients of either side have seen ModSeqs up to this; every change the merge brings to a side must come after
        // it, so that a CHANGEDSINCE from that side sees it.
        var modSeq = Math.Max(merged.HighestModSeq, localEnd.HighestModSeq);
        if (localEnd.HighestModSeq > ancestor.HighestModSeq)
            merged = Restamp(merged, ancestor.HighestModSeq, ref modSeq);

        var uids = new LocalUids();
        var renumbered = new List<(uint, uint)>();
        var localView = ancestor;  // the local side's state before the current record
        foreach (var record in localBranch)
        {
            switch (record.Entry)
            {
                case MessageInserted insert:
                    merged = MergeInsert(merged, localView, insert, ringSide, uids, renumbered, ref modSeq);
                    break;
                case MessagesDeleted delete:
                    merged = MergeDelete(merged, delete, uids, ref modSeq);
                    break;
                case FlagsChanged change:
                    merged = MergeFlags(merged, localView, ancestor, change, uids, ref modSeq);
                    break;
                // A local snapshot restates the local view; it is no operation to merge.
            }
            localView = FolderReplay.Apply(localView, record);
        }
        return new(merged.With(highestModSeq: modSeq), renumbered);
    }

    /// <summary>Where the local branch's own inserts ended up in the merged state.</summary>
    private sealed class LocalUids
    {
        /// <summary>Local inserts kept as new mail: local UID -> merged UID.</summary>
        public Dictionary<uint, uint> Added { get; } = [];

        /// <summary>Local inserts of mail the ring side already had: local UID -> the ring side's UID.</summary>
        public Dictionary<uint, uint> SameAsRing { get; } = [];
    }

    /// <summary>Gives every message the ring branch touched a ModSeq above anything the local side has seen.</summary>
    private static FolderLogState Restamp(FolderLogState state, ulong ancestorModSeq, ref ulong modSeq)
    {
        var messages = state.Messages;
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i].ModSeq > ancestorModSeq)
                messages = messages.SetItem(i, messages[i].Touched(++modSeq));
        }
        return state.With(messages: messages);
    }

    private static FolderLogState MergeInsert(FolderLogState merged, FolderLogState localView, MessageInserted insert,
        Dictionary<(MessageRef, long), uint> ringSide, LocalUids uids, List<(uint, uint)> renumbered, ref ulong modSeq)
    {
        if (insert.DeliveryId is not null && localView.DeliveredIds.Contains(insert.DeliveryId))
            return merged;  // a no-op on the local side too: the local branch never gave this UID out
        if (ringSide.TryGetValue((insert.Ref, insert.InternalDateMs), out var ringUid))
        {
            uids.SameAsRing[insert.Uid] = ringUid;
            return merged;
        }
        if (insert.DeliveryId is not null && merged.DeliveredIds.Contains(insert.DeliveryId))
            return merged;  // the ring side filed this notification (and may have deleted it since)
        var uid = Math.Max(insert.Uid, merged.UidNext);
        if (uid != insert.Uid)
            renumbered.Add((insert.Uid, uid));
        uids.Added[insert.Uid] = uid;
        return FolderReplay.Apply(merged, new LogRecord(++modSeq, null, null, insert with { Uid = uid }));
    }

    private static FolderLogState MergeDelete(FolderLogState merged, MessagesDeleted delete, LocalUids uids, ref ulong modSeq)
    {
        // Deletes of mail the ring side also has are cancelled (it may have been filed or flagged there meanwhile);
        // a delete of mail inserted on this same branch is kept: the ring side never saw that mail, nothing is lost.
        var kept = new List<uint>();
        foreach (var uid in delete.Uids)
        {
            if (uids.Added.TryGetValue(uid, out var mergedUid))
                kept.Add(mergedUid);
        }
        return kept.Count == 0 ? merged : FolderReplay.Apply(merged, new LogRecord(++modSeq, null, null, new MessagesDeleted(kept)));
    }

    private static FolderLogState MergeFlags(FolderLogState merged, FolderLogState localView, FolderLogState ancestor,
        FlagsChanged change, LocalUids uids, ref ulong modSeq)
    {
        var sets = new List<FlagSet>();
        foreach (var set in change.Changes)
        {
            var before = localView.Find(set.Uid);
            if (before is null)
                continue;  // the local side ignored it too
            uint mergedUid = uids.Added.TryGetValue(set.Uid, out var added) ? added
                : uids.SameAsRing.TryGetValue(set.Uid, out var same) ? same
                : ancestor.IndexOf(set.Uid) >= 0 ? set.Uid : 0;
            var target = mergedUid == 0 ? null : merged.Find(mergedUid);
            if (target is null)
                continue;  // deleted on the ring side
            // Apply what the local side changed (three-way), not its absolute list: a flag the ring side set meanwhile stays.
            var after = MessageFlags.Normalize(set.Flags);
            var gained = after.Except(before.Flags, StringComparer.OrdinalIgnoreCase);
            var removed = before.Flags.Except(after, StringComparer.OrdinalIgnoreCase).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var result = MessageFlags.Normalize(target.Flags.Where(flag => !removed.Contains(flag)).Concat(gained));
            if (!MessageFlags.SameFlags(result, target.Flags))
                sets.Add(new FlagSet(mergedUid, result));
        }
        return sets.Count == 0 ? merged : FolderReplay.Apply(merged, new LogRecord(++modSeq, null, null, new FlagsChanged(sets)));
    }
}
