using ePost.Mail.Imap.Commands;
using ePost.Mail.Imap.Mailbox;
using ePost.Mail.Imap.Protocol;
using ePost.Mail.Imap.Sequences;

namespace ePost.Mail.Tests.Imap.Mailbox;

public class SelectedMailboxViewTests
{
    private static MailboxEntry E(uint uid, params string[] flags) => MailboxEntry.Create(uid, flags);

    private static MailboxSnapshot Snap(uint uidNext, params MailboxEntry[] messages) => new(77, uidNext, messages);

    private static string Responses(MailboxUpdate update, SelectedMailboxView view, bool uid = false)
    {
        var writer = new ImapResponseWriter();
        update.WriteTo(writer, view, uid, includeModSeq: false);
        return writer.ToString();
    }

    [Fact]
    public void Select_data_reports_counts_first_unseen_and_uid_state()
    {
        var view = new SelectedMailboxView(Snap(9, E(3, "\\Seen"), E(5), E(8, "\\Seen")), recentUids: [8]);
        var writer = new ImapResponseWriter();
        view.WriteSelectData(writer, ["$Work"], condStore: false);
        Assert.Equal(
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work)\r\n" +
            "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work \\*)] Flags permitted\r\n" +
            "* 3 EXISTS\r\n* 1 RECENT\r\n* OK [UNSEEN 2] First unseen\r\n" +
            "* OK [UIDVALIDITY 77] UIDs valid\r\n* OK [UIDNEXT 9] Predicted next UID\r\n",
            writer.ToString());
    }

    [Fact]
    public void Expunges_are_reported_highest_first_so_each_number_is_valid_when_sent()
    {
        var view = new SelectedMailboxView(Snap(6, E(1), E(2), E(3), E(4), E(5)), []);
        var update = view.Synchronize(Snap(6, E(1), E(3), E(5)), [], allowExpunge: true);
        Assert.Equal("* 4 EXPUNGE\r\n* 2 EXPUNGE\r\n", Responses(update, view));
        Assert.Equal([1u, 3u, 5u], view.Uids);
        Assert.Equal(2u, view.SequenceOf(3));
        Assert.Null(view.SequenceOf(2));
    }

    [Fact]
    public void New_messages_give_exists_and_recent_for_this_session_only()
    {
        var view = new SelectedMailboxView(Snap(3, E(1), E(2)), []);
        var update = view.Synchronize(Snap(6, E(1), E(2), E(4), E(5)), newlyRecent: [5], allowExpunge: true);
        Assert.Equal("* 4 EXISTS\r\n* 1 RECENT\r\n", Responses(update, view));
        Assert.True(view.IsRecent(5));
        Assert.False(view.IsRecent(4));
        Assert.Equal(6u, view.UidNext);
    }

    [Fact]
    public void Flag_changes_become_fetch_responses_numbered_after_expunges()
    {
        var view = new SelectedMailboxView(Snap(4, E(1), E(2), E(3)), recentUids: [3]);
        var update = view.Synchronize(Snap(4, E(2), E(3, "\\Seen", "$Work")), [], allowExpunge: true);
        Assert.Equal("* 1 EXPUNGE\r\n* 2 FETCH (FLAGS ($Work \\Seen \\Recent) UID 3)\r\n", Responses(update, view, uid: true));
    }

    [Fact]
    public void Unchanged_snapshot_needs_no_responses()
    {
        var view = new SelectedMailboxView(Snap(3, E(1, "\\Seen"), E(2)), []);
        var update = view.Synchronize(Snap(3, E(1, "\\SEEN"), E(2)), [], allowExpunge: true);
        Assert.True(update.IsEmpty);
        Assert.Equal("", Responses(update, view));
    }

    [Fact]
    public void Expunges_wait_while_not_allowed_and_numbers_stay_stable()
    {
        var view = new SelectedMailboxView(Snap(4, E(1), E(2), E(3)), []);
        var during = view.Synchronize(Snap(5, E(1), E(3), E(4)), [], allowExpunge: false);
        Assert.Equal("* 4 EXISTS\r\n* 0 RECENT\r\n", Responses(during, view));
        Assert.Equal(2u, view.SequenceOf(2));
        Assert.True(view.IsExpungePending(2));

        var after = view.Synchronize(Snap(5, E(1), E(3), E(4)), [], allowExpunge: true);
        Assert.Equal("* 2 EXPUNGE\r\n", Responses(after, view));
        Assert.Equal([1u, 3u, 4u], view.Uids);
        Assert.False(view.IsExpungePending(2));
    }

    [Fact]
    public void Expunge_and_append_together_renumber_then_grow()
    {
        var view = new SelectedMailboxView(Snap(3, E(1), E(2)), []);
        var update = view.Synchronize(Snap(5, E(2), E(3), E(4)), [3, 4], allowExpunge: true);
        Assert.Equal("* 1 EXPUNGE\r\n* 3 EXISTS\r\n* 2 RECENT\r\n", Responses(update, view));
        Assert.Equal(3u, view.Count);
        Assert.Equal(3u, view[2].Uid);
    }

    [Fact]
    public void Changed_uidvalidity_cannot_be_synchronised()
    {
        var view = new SelectedMailboxView(Snap(2, E(1)), []);
        Assert.Throws<InvalidOperationException>(() => view.Synchronize(new MailboxSnapshot(78, 2, [E(1)]), [], true));
    }

    [Fact]
    public void Snapshots_reject_unordered_uids_and_a_low_uidnext()
    {
        Assert.Throws<ArgumentException>(() => Snap(9, E(5), E(3)));
        Assert.Throws<ArgumentException>(() => Snap(5, E(5)));
        Assert.Throws<ArgumentException>(() => new MailboxSnapshot(0, 5, []));
    }

    [Fact]
    public void Recent_is_claimed_by_the_first_session_only()
    {
        var ledger = new RecentLedger();
        var snapshot = Snap(4, E(1), E(2), E(3));
        Assert.Equal([1u, 2u, 3u], ledger.Claim(snapshot));
        Assert.Empty(ledger.Claim(snapshot));
        Assert.Equal([4u], ledger.Claim(Snap(5, E(1), E(2), E(3), E(4))));
    }

    [Fact]
    public void Command_sets_resolve_to_sequence_numbers()
    {
        var view = new SelectedMailboxView(Snap(20, E(3), E(7), E(12)), []);
        Assert.Equal([2u, 3u], view.Resolve(SequenceSet.Parse("7:*"), uid: true));
        Assert.Equal([3u], view.Resolve(SequenceSet.Parse("13:*"), uid: true));
        Assert.Empty(view.Resolve(SequenceSet.Parse("1:2"), uid: true)!);
        Assert.Equal([1u, 2u, 3u], view.Resolve(SequenceSet.Parse("1:*"), uid: false));
        Assert.Null(view.Resolve(SequenceSet.Parse("2:4"), uid: false));
    }

    [Fact]
    public void Store_modes_replace_add_and_remove_flags_but_never_store_recent()
    {
        var entry = E(1, "\\Seen", "$Work");
        Assert.Equal(["\\Flagged"], entry.FlagsAfter(StoreMode.Replace, ["\\Flagged", "\\Recent"]));
        Assert.Equal(["$Work", "\\Flagged", "\\Seen"], entry.FlagsAfter(StoreMode.Add, ["\\Flagged", "\\SEEN"]));
        Assert.Equal(["\\Seen"], entry.FlagsAfter(StoreMode.Remove, ["$WORK"]));
    }

    [Fact]
    public void Uidplus_codes_pair_source_and_destination_in_order()
    {
        Assert.Equal("APPENDUID 77 9", ImapDataResponses.AppendUidCode(77, 9));
        Assert.Equal("COPYUID 38 4:5,9 20:22", ImapDataResponses.CopyUidCode(38, [(4, 20), (5, 21), (9, 22)]));
    }
}
