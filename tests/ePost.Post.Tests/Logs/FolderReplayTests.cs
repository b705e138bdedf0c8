using ePost.Post.Logs;
using static ePost.Post.Tests.Logs.LogSamples;

namespace ePost.Post.Tests.Logs;

public sealed class FolderReplayTests
{
    [Fact]
    public void An_insert_adds_the_message_and_moves_uidnext_past_it()
    {
        var state = Folder(Insert(1, 1, 1, "d1", "\\Seen"), Insert(2, 10, 2));

        Assert.Equal([1u, 10u], state.Messages.Select(m => m.Uid));
        Assert.Equal(11u, state.UidNext);
        Assert.Equal(7u, state.UidValidity);
        Assert.Equal(["\\Seen"], state.Messages[0].Flags.ToArray());
        Assert.Equal(Ref(2), state.Find(10)!.Ref);
        Assert.Equal(2ul, state.Find(10)!.ModSeq);
        Assert.Equal(2ul, state.HighestModSeq);
        Assert.Contains("d1", state.DeliveredIds);
    }

    [Fact]
    public void An_insert_below_uidnext_is_refused()
    {
        var state = Folder(Insert(1, 5, 1));

        var error = Assert.Throws<LogFormatException>(() => FolderReplay.Apply(state, Insert(2, 3, 2)));
        Assert.Contains("below UIDNEXT", error.Message);
    }

    [Fact]
    public void An_insert_reusing_a_uid_is_refused() =>
        Assert.Throws<LogFormatException>(() => Folder(Insert(1, 5, 1), Insert(2, 5, 2)));

    [Fact]
    public void An_insert_of_uid_zero_or_the_last_uid_is_refused()
    {
        Assert.Throws<LogFormatException>(() => Folder(Insert(1, 0, 1)));
        Assert.Throws<LogFormatException>(() => Folder(Insert(1, uint.MaxValue, 1)));
    }

    [Fact]
    public void A_notification_delivered_twice_is_filed_once()
    {
        var state = Folder(Insert(1, 1, 1, "note-1"), Insert(2, 2, 1, "note-1"));

        Assert.Single(state.Messages);
        Assert.Equal(2u, state.UidNext);
        Assert.Equal(2ul, state.HighestModSeq);
    }

    [Fact]
    public void A_delete_removes_the_listed_messages_and_ignores_unknown_uids()
    {
        var state = Folder(Insert(1, 1, 1), Insert(2, 2, 2), Insert(3, 3, 3), Delete(4, 1, 3, 99));

        Assert.Equal([2u], state.Messages.Select(m => m.Uid));
        Assert.Equal(4u, state.UidNext);
        Assert.Equal(4ul, state.HighestModSeq);
    }

    [Fact]
    public void A_flag_change_replaces_the_flags_and_stamps_the_message_with_the_record_seq()
    {
        var state = Folder(Insert(1, 1, 1, null, "\\Seen"), Insert(2, 2, 2), Flags(3, 1, "\\Flagged", "\\Answered", "\\flagged"), Flags(4, 42, "\\Seen"));

        Assert.Equal(["\\Answered", "\\Flagged"], state.Find(1)!.Flags.ToArray());
        Assert.Equal(3ul, state.Find(1)!.ModSeq);
        Assert.Equal(2ul, state.Find(2)!.ModSeq);
        Assert.Equal(4ul, state.HighestModSeq);
    }

    [Fact]
    public void A_snapshot_replaces_the_state()
    {
        var other = Folder(Insert(1, 3, 3, "z"));

        var state = FolderReplay.Apply(Folder(Insert(1, 1, 1)), Record(2, new FolderSnapshot(other)));

        Assert.Same(other, state);
    }

    [Fact]
    public void A_root_entry_in_a_folder_log_is_refused() =>
        Assert.Throws<LogFormatException>(() => Folder(Create(1, 1, "INBOX", 1)));

    [Fact]
    public void Replaying_a_snapshot_and_the_tail_equals_replaying_everything()
    {
        var random = new Random(11);
        var history = FolderHistory.Random(random, FolderLogState.Empty(3), firstSeq: 1, count: 400);
        for (var cut = 0; cut <= history.Count; cut += 37)
        {
            var snapshot = FolderReplay.Replay(FolderLogState.Empty(3), history.Take(cut));
            var snapshotRecord = Record((ulong)cut + 1000, new FolderSnapshot(snapshot));
            // The snapshot goes through the codec, as it would through the ring.
            var stored = LogRecordCodec.Decode(LogRecordCodec.Encode(snapshotRecord));

            var fromSnapshot = FolderReplay.Replay(FolderLogState.Empty(99), history.Skip(cut).Prepend(stored));

            Assert.Equal(FolderReplay.Replay(FolderLogState.Empty(3), history), fromSnapshot);
        }
    }

    [Fact]
    public void States_are_equal_by_value_and_differ_in_any_field()
    {
        var a = Folder(Insert(1, 1, 1, "d"), Flags(2, 1, "\\Seen"));
        var b = Folder(Insert(1, 1, 1, "d"), Flags(2, 1, "\\Seen"));

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, Folder(Insert(1, 1, 1, "d"), Flags(2, 1, "\\Draft")));
        Assert.NotEqual(a, Folder(Insert(1, 1, 1, "e"), Flags(2, 1, "\\Seen")));
        Assert.NotEqual(a, Folder(Insert(1, 1, 1, "d"), Flags(3, 1, "\\Seen")));
    }
}
