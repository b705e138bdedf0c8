using ePost.Post.Logs;
using static ePost.Post.Tests.Logs.LogSamples;

namespace ePost.Post.Tests.Logs;

public sealed class RootReplayTests
{
    [Fact]
    public void A_created_folder_is_listed_and_raises_the_uidvalidity_hint()
    {
        var state = Root(Create(1, 10, "INBOX", 1), Create(2, 20, "Work", 5));

        Assert.Equal(new RootFolder("Work", 5), state.Folders[20]);
        Assert.Equal(10ul, state.FolderIdOf("INBOX"));
        Assert.Equal(6u, state.NextUidValidity);
    }

    [Fact]
    public void Creating_an_existing_name_or_id_is_refused()
    {
        Assert.Throws<LogFormatException>(() => Root(Create(1, 10, "Work", 1), Create(2, 20, "Work", 2)));
        Assert.Throws<LogFormatException>(() => Root(Create(1, 10, "Work", 1), Create(2, 10, "Play", 2)));
    }

    [Fact]
    public void A_rename_moves_the_name_and_frees_the_old_one()
    {
        var state = Root(Create(1, 10, "Work", 1), Rename(2, 10, "Job"), Create(3, 20, "Work", 2));

        Assert.Equal("Job", state.Folders[10].Name);
        Assert.Equal(20ul, state.FolderIdOf("Work"));
        Assert.Equal(1u, state.Folders[10].UidValidity);
    }

    [Fact]
    public void Renaming_onto_a_used_name_is_refused() =>
        Assert.Throws<LogFormatException>(() => Root(Create(1, 10, "A", 1), Create(2, 20, "B", 2), Rename(3, 20, "A")));

    [Fact]
    public void A_rename_or_delete_of_an_unknown_folder_is_ignored()
    {
        var before = Root(Create(1, 10, "A", 1));

        Assert.Equal(before, RootReplay.Replay(before, [Rename(2, 99, "B"), DeleteFolder(3, 99)]));
    }

    [Fact]
    public void A_delete_removes_the_folder_and_frees_its_name_but_keeps_the_uidvalidity_hint()
    {
        var state = Root(Create(1, 10, "A", 4), DeleteFolder(2, 10));

        Assert.Empty(state.Folders);
        Assert.Null(state.FolderIdOf("A"));
        Assert.Equal(5u, state.NextUidValidity);
    }

    [Fact]
    public void Subscriptions_follow_the_last_change_and_need_no_folder()
    {
        var state = Root(Subscribe(1, "A"), Subscribe(2, "B"), Subscribe(3, "A", subscribed: false), Subscribe(4, "B"));

        Assert.Equal(["B"], state.Subscriptions);
    }

    [Fact]
    public void A_snapshot_replaces_the_state_and_equals_the_full_replay_with_its_tail()
    {
        var prefix = new[] { Create(1, 10, "A", 1), Create(2, 20, "B", 2), Subscribe(3, "A"), Rename(4, 10, "C") };
        var tail = new[] { DeleteFolder(6, 20), Create(7, 30, "B", 3), Subscribe(8, "A", subscribed: false) };
        var snapshot = LogRecordCodec.Decode(LogRecordCodec.Encode(Record(5, new RootSnapshot(Root(prefix)))));

        Assert.Equal(Root([.. prefix, .. tail]), RootReplay.Replay(RootLogState.Empty, [snapshot, .. tail]));
    }

    [Fact]
    public void A_folder_entry_in_the_root_log_is_refused() =>
        Assert.Throws<LogFormatException>(() => Root(Insert(1, 1, 1)));
}
