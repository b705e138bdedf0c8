using ePost.Post.Logs;

namespace ePost.Post.Tests.Logs;

/// <summary>Random forks: whatever two sides do from a random ancestor, the merge loses no mail and keeps UIDs sound.</summary>
public sealed class MergePropertyTests
{
    [Fact]
    public void Random_forks_lose_no_insert_and_keep_uids_unique_and_below_uidnext()
    {
        for (var trial = 0; trial < 300; trial++)
        {
            var random = new Random(trial);
            var history = FolderHistory.Random(random, FolderLogState.Empty(1), 1, random.Next(0, 30));
            var ancestor = FolderReplay.Replay(FolderLogState.Empty(1), history);
            var next = (ulong)history.Count + 1;
            // Content numbers and private delivery ids differ per side; "shared" delivery ids may meet on both sides.
            var ring = FolderHistory.Random(random, ancestor, next, random.Next(0, 25), contentBase: 1000, deliveryPrefix: "r");
            var local = FolderHistory.Random(random, ancestor, next, random.Next(0, 25), contentBase: 2000, deliveryPrefix: "l");

            var merged = LogMerge.MergeFolder(ancestor, ring, local);

            var context = $"trial {trial} (ring {ring.Count}, local {local.Count} records)";
            var uids = merged.Messages.Select(m => m.Uid).ToList();
            Assert.True(uids.SequenceEqual(uids.Order().Distinct()), $"{context}: UIDs not unique and ascending");
            Assert.True(uids.All(uid => uid < merged.UidNext), $"{context}: a UID is not below UIDNEXT");
            Assert.True(merged.UidNext >= FolderReplay.Replay(ancestor, ring).UidNext, $"{context}: UIDNEXT went back");
            Assert.True(merged.Messages.All(m => m.ModSeq <= merged.HighestModSeq), $"{context}: ModSeq above HIGHESTMODSEQ");

            var present = merged.Messages.Select(m => m.Ref).ToHashSet();
            foreach (var survivor in Survivors(ancestor, ring, local))
                Assert.True(present.Contains(survivor), $"{context}: {survivor} was lost");

            Assert.Equal(merged, LogRecordSnapshotRoundTrip(merged));
        }
    }

    [Fact]
    public void Random_branches_merged_with_themselves_are_unchanged()
    {
        for (var trial = 0; trial < 100; trial++)
        {
            var random = new Random(10_000 + trial);
            var history = FolderHistory.Random(random, FolderLogState.Empty(1), 1, random.Next(0, 30));
            var ancestor = FolderReplay.Replay(FolderLogState.Empty(1), history);
            var branch = FolderHistory.Random(random, ancestor, (ulong)history.Count + 1, random.Next(0, 25));

            Assert.Equal(FolderReplay.Replay(ancestor, branch), LogMerge.MergeFolder(ancestor, branch, branch));
        }
    }

    [Fact]
    public void Random_root_forks_lose_no_folder_that_a_side_kept_and_keep_names_unique()
    {
        for (var trial = 0; trial < 300; trial++)
        {
            var random = new Random(20_000 + trial);
            var history = RootHistory.Random(random, RootLogState.Empty, 1, random.Next(0, 12));
            var ancestor = RootReplay.Replay(RootLogState.Empty, history);
            var next = (ulong)history.Count + 1;
            var ring = RootHistory.Random(random, ancestor, next, random.Next(0, 10));
            var local = RootHistory.Random(random, ancestor, next, random.Next(0, 10));

            var merged = LogMerge.MergeRoot(ancestor, ring, local);

            var context = $"trial {trial} (ring {ring.Count}, local {local.Count} records)";
            var ringEnd = RootReplay.Replay(ancestor, ring);
            var localEnd = RootReplay.Replay(ancestor, local);
            var forked = ring.Count > 0 && local.Count > 0;
            Assert.Equal(merged.Folders.Count, merged.Folders.Values.Select(f => f.Name).Distinct().Count());
            // A folder either side still has is there, unless there was no fork and the other side deleted it.
            foreach (var id in ringEnd.Folders.Keys.Concat(localEnd.Folders.Keys))
                Assert.True(merged.Folders.ContainsKey(id) || !forked, $"{context}: folder {id} lost");
            // Subscriptions of a fork are the union; with one side silent there is no fork and the other's unsubscribes stand.
            Assert.True(!forked || ringEnd.Subscriptions.IsSubsetOf(merged.Subscriptions), $"{context}: a ring subscription lost");
            Assert.True(!forked || localEnd.Subscriptions.IsSubsetOf(merged.Subscriptions), $"{context}: a local subscription lost");
            Assert.True(merged.Folders.Values.All(f => f.UidValidity < merged.NextUidValidity), $"{context}: UIDVALIDITY hint too low");
            Assert.Equal(merged, ((RootSnapshot)LogRecordCodec.Decode(LogRecordCodec.Encode(new LogRecord(1, null, null, new RootSnapshot(merged)))).Entry).State);
            Assert.Equal(ringEnd, LogMerge.MergeRoot(ancestor, ring, ring));
            if (!forked)
                Assert.Equal(ring.Count == 0 ? localEnd : ringEnd, merged);
        }
    }

    /// <summary>
    /// The mail that must survive a fork: ancestor mail the ring side kept, mail the ring side filed and kept, and mail the
    /// local side filed and kept (its only deletes that stand are of its own new mail). A side's filing of a delivery
    /// id the other side also filed counts once, which is why survivors are compared by content only for mail that was
    /// filed (not skipped as a duplicate delivery) on its side.
    /// </summary>
    private static IEnumerable<MessageRef> Survivors(FolderLogState ancestor, List<LogRecord> ring, List<LogRecord> local)
    {
        if (ring.Count == 0)
        {
            // No fork: the local branch is simply the continuation, its deletes included.
            foreach (var message in FolderReplay.Replay(ancestor, local).Messages)
                yield return message.Ref;
            yield break;
        }
        var ringEnd = FolderReplay.Replay(ancestor, ring);
        foreach (var message in ringEnd.Messages)
            yield return message.Ref;
        var localEnd = FolderReplay.Replay(ancestor, local);
        foreach (var message in localEnd.Messages.Where(m => ancestor.IndexOf(m.Uid) < 0))
        {
            var insert = local.Select(r => r.Entry).OfType<MessageInserted>().First(i => i.Uid == message.Uid);
            // Filed on both sides under one delivery id: the ring side's filing (and its fate there) is the one kept.
            if (insert.DeliveryId is not null && ringEnd.DeliveredIds.Contains(insert.DeliveryId))
                continue;
            yield return message.Ref;
        }
    }

    private static FolderLogState LogRecordSnapshotRoundTrip(FolderLogState state) =>
        ((FolderSnapshot)LogRecordCodec.Decode(LogRecordCodec.Encode(new LogRecord(1, null, null, new FolderSnapshot(state)))).Entry).State;
}
