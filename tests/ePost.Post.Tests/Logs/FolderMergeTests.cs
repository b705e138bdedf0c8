using ePost.Post.Logs;
using static ePost.Post.Tests.Logs.LogSamples;

namespace ePost.Post.Tests.Logs;

public sealed class FolderMergeTests
{
    // Ancestor: messages 1..3 under UIDs 1..3, last Seq 3.
    private static readonly LogRecord[] AncestorHistory = [Insert(1, 1, 1, "n1"), Insert(2, 2, 2, "n2"), Insert(3, 3, 3, "n3")];
    private static readonly FolderLogState Ancestor = Folder(AncestorHistory);

    [Fact]
    public void The_issue_scenario_keeps_every_inserted_message_with_unique_uids()
    {
        // During the partition both sides file new mail, delete one old message each, and flag things.
        LogRecord[] ring = [Insert(4, 4, 10, "r1"), Delete(5, 1), Flags(6, 2, "\\Seen"), Insert(7, 5, 11, "r2")];
        LogRecord[] local = [Insert(4, 4, 20, "l1"), Delete(5, 3), Flags(6, 2, "\\Flagged"), Insert(7, 5, 21, "l2"), Flags(8, 4, "\\Seen")];

        var result = LogMerge.MergeFolderDetailed(Ancestor, ring, local);
        var merged = result.State;

        // Ring delete of 1 stands; local delete of 3 is cancelled; both sides' new mail is there.
        Assert.Equal([Ref(2), Ref(3), Ref(10), Ref(11), Ref(20), Ref(21)], merged.Messages.Select(m => m.Ref));
        Assert.Equal([2u, 3u, 4u, 5u, 6u, 7u], merged.Messages.Select(m => m.Uid));
        Assert.Equal(8u, merged.UidNext);
        // Local UIDs 4 and 5 collided with the ring's and moved to the merged UIDNEXT, in order.
        Assert.Equal([(4u, 6u), (5u, 7u)], result.Renumbered);
        // The local flag change on its own message followed it to its new UID; both flag changes on 2 are kept.
        Assert.Equal(["\\Seen"], merged.Find(6)!.Flags.ToArray());
        Assert.Equal(["\\Flagged", "\\Seen"], merged.Find(2)!.Flags.ToArray());
        Assert.Equal(new[] { "l1", "l2", "n1", "n2", "n3", "r1", "r2" }, merged.DeliveredIds.Order());
    }

    [Fact]
    public void Merging_a_branch_with_itself_is_that_branch()
    {
        LogRecord[] branch = [Insert(4, 4, 10, "r1"), Delete(5, 1), Flags(6, 2, "\\Seen"), Insert(7, 6, 11), Delete(8, 6)];

        Assert.Equal(Folder([.. AncestorHistory, .. branch]), LogMerge.MergeFolder(Ancestor, branch, branch));
    }

    [Fact]
    public void An_empty_branch_takes_the_other()
    {
        LogRecord[] branch = [Insert(4, 4, 10), Delete(5, 1)];

        Assert.Equal(Folder([.. AncestorHistory, .. branch]), LogMerge.MergeFolder(Ancestor, branch, []));
        Assert.Equal(Folder([.. AncestorHistory, .. branch]), LogMerge.MergeFolder(Ancestor, [], branch));
    }

    [Fact]
    public void A_notification_filed_on_both_sides_is_kept_once()
    {
        var merged = LogMerge.MergeFolder(Ancestor, [Insert(4, 4, 10, "same")], [Insert(4, 4, 10, "same"), Insert(5, 5, 11)]);

        Assert.Equal([1u, 2u, 3u, 4u, 5u], merged.Messages.Select(m => m.Uid));
        Assert.Single(merged.Messages, m => m.Ref == Ref(10));
    }

    [Fact]
    public void The_same_content_and_date_filed_on_both_sides_is_kept_once()
    {
        var merged = LogMerge.MergeFolder(Ancestor, [Insert(4, 4, 10, "ring-copy")], [Insert(4, 4, 10, "local-copy"), Flags(5, 4, "\\Seen")]);

        var message = Assert.Single(merged.Messages, m => m.Ref == Ref(10));
        Assert.Equal(["\\Seen"], message.Flags.ToArray());
    }

    [Fact]
    public void A_local_insert_above_the_ring_uidnext_keeps_its_uid()
    {
        var result = LogMerge.MergeFolderDetailed(Ancestor, [Insert(4, 4, 10)], [Insert(4, 9, 20)]);

        Assert.Equal(9u, result.State.Find(9)!.Uid);
        Assert.Equal(Ref(20), result.State.Find(9)!.Ref);
        Assert.Empty(result.Renumbered);
    }

    [Fact]
    public void A_local_delete_of_mail_inserted_on_the_same_branch_stands()
    {
        // Filed, then moved elsewhere, while cut off: the ring side never saw it, so nothing is lost by removing it.
        var merged = LogMerge.MergeFolder(Ancestor, [Insert(4, 4, 10)], [Insert(4, 4, 20), Delete(5, 4, 2)]);

        Assert.DoesNotContain(merged.Messages, m => m.Ref == Ref(20));
        Assert.Contains(merged.Messages, m => m.Ref == Ref(2));
    }

    [Fact]
    public void A_local_deleted_flag_is_kept_but_the_message_is_not_expunged()
    {
        var merged = LogMerge.MergeFolder(Ancestor, [Insert(4, 4, 10)], [Flags(4, 1, "\\Deleted"), Delete(5, 1)]);

        Assert.Equal(["\\Deleted"], merged.Find(1)!.Flags.ToArray());
    }

    [Fact]
    public void A_local_flag_change_on_mail_the_ring_deleted_is_ignored()
    {
        var merged = LogMerge.MergeFolder(Ancestor, [Delete(4, 1)], [Flags(4, 1, "\\Seen")]);

        Assert.Null(merged.Find(1));
    }

    [Fact]
    public void A_local_flag_removal_removes_only_what_the_local_side_removed()
    {
        var ancestor = Folder(Insert(1, 1, 1, null, "\\Seen", "$Work"));

        var merged = LogMerge.MergeFolder(ancestor, [Flags(2, 1, "\\Seen", "$Work", "\\Flagged")], [Flags(2, 1, "\\Seen")]);

        Assert.Equal(["\\Flagged", "\\Seen"], merged.Find(1)!.Flags.ToArray());
    }

    [Fact]
    public void Every_change_brought_to_a_side_gets_a_modseq_above_what_that_side_had_seen()
    {
        LogRecord[] ring = [Flags(4, 1, "\\Seen"), Flags(5, 2, "\\Seen")];
        LogRecord[] local = [Flags(4, 3, "\\Seen"), Insert(5, 4, 20), Insert(6, 5, 21), Insert(7, 6, 22)];

        var merged = LogMerge.MergeFolder(Ancestor, ring, local);

        // The local side had seen ModSeq 7, the ring side 5: every message touched since the fork is above 7.
        foreach (var uid in new uint[] { 1, 2, 3 })
            Assert.True(merged.Find(uid)!.ModSeq > 7, $"UID {uid} has ModSeq {merged.Find(uid)!.ModSeq}");
        Assert.True(merged.Messages.Where(m => m.Uid > 3).All(m => m.ModSeq > 7));
        Assert.Equal(merged.Messages.Max(m => m.ModSeq), merged.HighestModSeq);
        Assert.Equal(merged.Messages.Count, merged.Messages.Select(m => m.ModSeq).Distinct().Count());
    }

    [Fact]
    public void A_branch_that_is_not_a_valid_continuation_is_refused() =>
        Assert.Throws<LogFormatException>(() => LogMerge.MergeFolder(Ancestor, [Insert(4, 2, 10)], [Insert(4, 4, 20)]));
}
