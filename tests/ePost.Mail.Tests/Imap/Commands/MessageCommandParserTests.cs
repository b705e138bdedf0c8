using ePost.Mail.Imap.Commands;
using ePost.Mail.Imap.Fetch;

namespace ePost.Mail.Tests.Imap.Commands;

public class MessageCommandParserTests : ParserTestBase
{
    [Fact]
    public void Store_parses_mode_silence_and_flags_in_either_form()
    {
        var store = Parse<StoreCommand>("a STORE 2:4 +FLAGS.SILENT (\\deleted $Junk)");
        Assert.Equal((StoreMode.Add, true, "2:4"), (store.Mode, store.Silent, store.Set.ToString()));
        Assert.Equal(["\\Deleted", "$Junk"], store.Flags);
        var bare = Parse<StoreCommand>("a UID STORE 7 -FLAGS \\Seen \\Flagged");
        Assert.Equal((true, StoreMode.Remove, false), (bare.Uid, bare.Mode, bare.Silent));
        Assert.Equal(["\\Seen", "\\Flagged"], bare.Flags);
        Assert.Equal(StoreMode.Replace, Parse<StoreCommand>("a STORE 1 FLAGS ()").Mode);
        Assert.Equal(5ul, Parse<StoreCommand>("a STORE 1 (UNCHANGEDSINCE 5) FLAGS (\\Seen)").UnchangedSince);
    }

    [Theory]
    [InlineData("a STORE 1 FLAGS (\\Recent)")]
    [InlineData("a STORE 1 +LABELS (x)")]
    [InlineData("a STORE 1 FLAGS")]
    [InlineData("a STORE 0 FLAGS (\\Seen)")]
    [InlineData("a STORE 1 (FOO 1) FLAGS (\\Seen)")]
    [InlineData("a STORE 1 FLAGS (\\Seen")]
    public void Malformed_store_is_bad(string line) => Bad(line);

    [Fact]
    public void Copy_and_move_take_a_set_and_a_mailbox()
    {
        var copy = Parse<CopyCommand>("a COPY 1:* Archive");
        Assert.Equal((false, "1:*", "Archive"), (copy.Uid, copy.Set.ToString(), copy.Mailbox));
        var move = Parse<MoveCommand>("a UID MOVE 5,9 \"Gel&APY-scht\"");
        Assert.Equal((true, "5,9", "Gel\u00f6scht"), (move.Uid, move.Set.ToString(), move.Mailbox));
        Bad("a COPY Archive");
        Bad("a MOVE 1");
    }

    [Fact]
    public void Uid_expunge_takes_a_uid_set()
    {
        Assert.Equal("3:5", Parse<ExpungeCommand>("a UID EXPUNGE 3:5").Uids!.ToString());
        Assert.Null(Parse<ExpungeCommand>("a EXPUNGE").Uids);
        Bad("a UID EXPUNGE");
    }

    [Fact]
    public void Search_and_fetch_have_uid_forms()
    {
        Assert.True(Parse<SearchCommand>("a UID SEARCH ALL").Uid);
        var fetch = Parse<FetchCommand>("a UID FETCH 1:* FLAGS");
        Assert.True(fetch.Uid);
        Assert.Equal(new FetchAttribute(FetchAttributeKind.Uid), fetch.Items[0]);
    }
}
