using ePost.Post.Logs;
using static ePost.Post.Tests.Logs.LogSamples;

namespace ePost.Post.Tests.Logs;

public sealed class RootMergeTests
{
    // Ancestor: INBOX (1), Work (2), Old (3); subscribed to INBOX.
    private static readonly LogRecord[] AncestorHistory =
        [Create(1, 1, "INBOX", 1), Create(2, 2, "Work", 2), Create(3, 3, "Old", 3), Subscribe(4, "INBOX")];
    private static readonly RootLogState Ancestor = Root(AncestorHistory);

    [Fact]
    public void Folders_created_on_either_side_are_kept_and_a_name_clash_gets_a_suffix()
    {
        var merged = LogMerge.MergeRoot(Ancestor, [Create(5, 10, "Lists", 4)], [Create(5, 20, "Lists", 4), Create(6, 21, "Lists (2)", 5)]);

        Assert.Equal("Lists", merged.Folders[10].Name);
        Assert.Equal("Lists (2)", merged.Folders[20].Name);
        Assert.Equal("Lists (2) (2)", merged.Folders[21].Name);  // the first free "name (n)" of its own name
        Assert.Equal(6u, merged.NextUidValidity);
    }

    [Fact]
    public void A_folder_delete_of_either_side_is_cancelled_so_no_mail_is_lost()
    {
        var merged = LogMerge.MergeRoot(Ancestor, [DeleteFolder(5, 2)], [DeleteFolder(5, 3)]);

        Assert.Equal(Ancestor.Folders, merged.Folders);
    }

    [Fact]
    public void A_folder_deleted_on_both_sides_stays_deleted()
    {
        var merged = LogMerge.MergeRoot(Ancestor, [DeleteFolder(5, 3), Create(6, 10, "New", 4)], [DeleteFolder(5, 3)]);

        Assert.False(merged.Folders.ContainsKey(3));
        Assert.True(merged.Folders.ContainsKey(10));
    }

    [Fact]
    public void A_folder_created_and_deleted_on_one_side_stays_deleted()
    {
        var merged = LogMerge.MergeRoot(Ancestor, [Create(5, 10, "A", 4)], [Create(5, 20, "Tmp", 4), DeleteFolder(6, 20)]);

        Assert.False(merged.Folders.ContainsKey(20));
        Assert.True(merged.Folders.ContainsKey(10));
    }

    [Fact]
    public void A_cancelled_delete_keeps_the_old_name_and_a_new_folder_of_that_name_gets_a_suffix()
    {
        var merged = LogMerge.MergeRoot(Ancestor, [DeleteFolder(5, 2), Create(6, 10, "Work", 4)], [Subscribe(5, "Work")]);

        Assert.Equal("Work", merged.Folders[2].Name);
        Assert.Equal("Work (2)", merged.Folders[10].Name);
    }

    [Fact]
    public void A_ring_rename_wins_over_a_local_rename_of_the_same_folder()
    {
        var merged = LogMerge.MergeRoot(Ancestor, [Rename(5, 2, "Job")], [Rename(5, 2, "Office"), Rename(6, 3, "Older")]);

        Assert.Equal("Job", merged.Folders[2].Name);
        Assert.Equal("Older", merged.Folders[3].Name);
    }

    [Fact]
    public void A_local_rename_onto_a_name_the_ring_took_gets_a_suffix()
    {
        var merged = LogMerge.MergeRoot(Ancestor, [Create(5, 10, "Archive", 4)], [Rename(5, 3, "Archive")]);

        Assert.Equal("Archive", merged.Folders[10].Name);
        Assert.Equal("Archive (2)", merged.Folders[3].Name);
    }

    [Fact]
    public void Subscriptions_are_the_union_of_both_sides()
    {
        var merged = LogMerge.MergeRoot(Ancestor, [Subscribe(5, "Work")], [Subscribe(5, "Old"), Subscribe(6, "INBOX", subscribed: false)]);

        Assert.Equal(["INBOX", "Old", "Work"], merged.Subscriptions);
    }

    [Fact]
    public void The_issue_scenario_loses_no_folder_on_either_side()
    {
        LogRecord[] ring = [Create(5, 10, "Travel", 4), DeleteFolder(6, 2), Rename(7, 3, "Attic"), Subscribe(8, "Travel")];
        LogRecord[] local = [Create(5, 20, "Travel", 4), DeleteFolder(6, 3), Rename(7, 2, "Job"), Subscribe(8, "Job")];

        var merged = LogMerge.MergeRoot(Ancestor, ring, local);

        Assert.Equal(
            new Dictionary<ulong, string> { [1] = "INBOX", [2] = "Job", [3] = "Attic", [10] = "Travel", [20] = "Travel (2)" },
            merged.Folders.ToDictionary(f => f.Key, f => f.Value.Name));
        Assert.Equal(["INBOX", "Job", "Travel"], merged.Subscriptions);
    }

    [Fact]
    public void Merging_a_branch_with_itself_is_that_branch()
    {
        LogRecord[] branch = [Create(5, 10, "Travel", 4), DeleteFolder(6, 2), Rename(7, 3, "Attic"), Subscribe(8, "Travel")];

        Assert.Equal(Root([.. AncestorHistory, .. branch]), LogMerge.MergeRoot(Ancestor, branch, branch));
    }

    [Fact]
    public void One_folder_id_created_differently_on_both_sides_is_refused() =>
        Assert.Throws<LogFormatException>(() => LogMerge.MergeRoot(Ancestor, [Create(5, 10, "A", 4)], [Create(5, 10, "B", 5)]));

    [Fact]
    public void A_suffixed_name_stays_within_the_name_bound()
    {
        var longName = new string('x', LogLimits.MaxNameBytes);

        var merged = LogMerge.MergeRoot(Ancestor, [Create(5, 10, longName, 4)], [Create(5, 20, longName, 5)]);

        Assert.Equal(new string('x', LogLimits.MaxNameBytes - 4) + " (2)", merged.Folders[20].Name);
        LogRecordCodec.Encode(Record(9, new RootSnapshot(merged)));  // still encodable
    }
}
