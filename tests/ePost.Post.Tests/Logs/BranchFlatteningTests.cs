using ePost.Post.Logs;
using static ePost.Post.Tests.Logs.LogSamples;

namespace ePost.Post.Tests.Logs;

/// <summary>A branch whose history was replaced by a snapshot (a merge, an adoption) still merges change by change.</summary>
public sealed class BranchFlatteningTests
{
    private static readonly LogRecord[] AncestorHistory = [Insert(1, 1, 1), Insert(2, 2, 2), Insert(3, 3, 3)];
    private static readonly FolderLogState Ancestor = Folder(AncestorHistory);

    [Fact]
    public void A_local_branch_that_is_only_a_merge_snapshot_keeps_its_new_mail_in_the_merge()
    {
        // The local side merged with a third branch: its whole history is one snapshot holding new mail 20.
        var localState = Folder([.. AncestorHistory, Insert(4, 4, 20), Flags(5, 2, "\\Flagged"), Delete(6, 3)]);
        LogRecord[] local = [Record(7, new FolderSnapshot(localState))];
        LogRecord[] ring = [Insert(4, 4, 10), Delete(5, 1)];

        var ignoringSnapshot = LogMerge.MergeFolder(Ancestor, ring, local);
        Assert.DoesNotContain(ignoringSnapshot.Messages, m => m.Ref == Ref(20));

        var merged = LogMerge.MergeFolder(Ancestor, ring, BranchFlattening.Folder(Ancestor, local));
        Assert.Contains(merged.Messages, m => m.Ref == Ref(20));
        Assert.Contains(merged.Messages, m => m.Ref == Ref(10));
        // The local delete of 3 is cancelled (it is not the local side's own mail); its flag on 2 is kept.
        Assert.Contains(merged.Messages, m => m.Ref == Ref(3));
        Assert.Equal(["\\Flagged"], merged.Find(2)!.Flags.ToArray());
        Assert.Equal(merged.Messages.Count, merged.Messages.Select(m => m.Uid).Distinct().Count());
    }

    [Fact]
    public void A_branch_without_snapshots_is_unchanged()
    {
        LogRecord[] branch = [Insert(4, 4, 10), Delete(5, 1)];
        Assert.Same(branch, BranchFlattening.Folder(Ancestor, branch));
    }

    [Fact]
    public void Records_after_the_snapshot_follow_the_synthesized_ones()
    {
        var snapshotState = Folder([.. AncestorHistory, Insert(4, 4, 20)]);
        LogRecord[] branch = [Record(5, new FolderSnapshot(snapshotState)), Insert(6, 5, 21)];
        var flat = BranchFlattening.Folder(Ancestor, branch);
        Assert.Equal(FolderReplay.Replay(Ancestor, branch).Messages.Select(m => m.Ref), FolderReplay.Replay(Ancestor, flat).Messages.Select(m => m.Ref));
    }

    [Fact]
    public void A_root_snapshot_becomes_creates_renames_deletes_and_subscriptions()
    {
        var ancestor = RootReplay.Replay(RootLogState.Empty, [Create(1, 1, "INBOX", 1), Create(2, 2, "Work", 2), Create(3, 3, "Old", 3)]);
        var later = RootReplay.Replay(ancestor, [Rename(4, 2, "Jobs"), DeleteFolder(5, 3), Create(6, 4, "New", 4), Subscribe(7, "Jobs")]);
        var flat = BranchFlattening.Root(ancestor, [Record(8, new RootSnapshot(later))]);
        var replayed = RootReplay.Replay(ancestor, flat);
        Assert.Equal(later.Folders, replayed.Folders);
        Assert.Equal(later.Subscriptions, replayed.Subscriptions);
    }
}
