using System.Text;
using ePost.Mail.Imap.Commands;
using ePost.Mail.Imap.Protocol;

namespace ePost.Mail.Tests.Imap.Commands;

public class MailboxCommandParserTests : ParserTestBase
{
    [Fact]
    public void Select_and_examine_normalise_inbox_and_decode_modified_utf7()
    {
        var select = Parse<SelectCommand>("a SELECT inbox");
        Assert.Equal(("INBOX", false, false), (select.Mailbox, select.ReadOnly, select.CondStore));
        var examine = Parse<SelectCommand>("a EXAMINE \"Entw&APw-rfe\" (CONDSTORE)");
        Assert.Equal(("Entw\u00fcrfe", true, true), (examine.Mailbox, examine.ReadOnly, examine.CondStore));
        Bad("a SELECT x (QRESYNC)");
        // Well-formed syntax naming a mailbox that cannot exist: NO, not BAD.
        Assert.Contains("modified UTF-7", Bad("a SELECT &AGE-", ImapStatus.No).Text);
    }

    [Fact]
    public void Create_delete_rename_subscribe_take_mailbox_names()
    {
        Assert.Equal("Work/2024", Parse<CreateCommand>("a CREATE Work/2024").Mailbox);
        Assert.Equal(["\\Drafts"], Parse<CreateCommand>("a CREATE Entw&APw-rfe (USE (\\drafts))").SpecialUse);
        Assert.Equal("USEATTR", Bad("a CREATE x (USE (\\Bogus))", ImapStatus.No).Code);
        Assert.Equal("Trash", Parse<DeleteCommand>("a DELETE Trash").Mailbox);
        var rename = Parse<RenameCommand>("a RENAME \"Old box\" New");
        Assert.Equal(("Old box", "New"), (rename.From, rename.To));
        Assert.True(Parse<SubscribeCommand>("a SUBSCRIBE x").Subscribe);
        Assert.False(Parse<SubscribeCommand>("a UNSUBSCRIBE x").Subscribe);
        Bad("a RENAME x");
        Bad("a DELETE");
    }

    [Fact]
    public void List_takes_reference_and_pattern_with_wildcards()
    {
        var list = Parse<ListCommand>("a LIST \"\" *");
        Assert.Equal("", list.Reference);
        Assert.Equal(["*"], list.Patterns);
        Assert.Equal(["Archiv/%"], Parse<ListCommand>("a LIST \"\" Archiv/%").Patterns);
        Assert.Equal(["Entw\u00fcrfe*"], Parse<ListCommand>("a LIST \"\" \"Entw&APw-rfe*\"").Patterns);
    }

    [Fact]
    public void Extended_list_takes_selection_options_patterns_and_return_options()
    {
        var list = Parse<ListCommand>("a LIST (SUBSCRIBED) \"\" (INBOX \"Sent\") RETURN (CHILDREN special-use STATUS (MESSAGES UNSEEN))");
        Assert.Equal(["SUBSCRIBED"], list.SelectionOptions);
        Assert.Equal(["INBOX", "Sent"], list.Patterns);
        Assert.Equal(["CHILDREN", "SPECIAL-USE", "STATUS (MESSAGES UNSEEN)"], list.ReturnOptions);
        Bad("a LIST \"\" * FOO (CHILDREN)");
        Bad("a LIST \"\" ()");
    }

    [Fact]
    public void Lsub_is_list_without_extensions()
    {
        var lsub = Parse<ListCommand>("a LSUB \"\" %");
        Assert.True(lsub.IsLsub);
        Bad("a LSUB (SUBSCRIBED) \"\" %");
    }

    [Fact]
    public void Status_takes_known_items()
    {
        Assert.Equal(["MESSAGES", "UIDNEXT", "UNSEEN"], Parse<StatusCommand>("a STATUS INBOX (messages UIDNEXT UNSEEN)").Items);
        Assert.Equal("Unknown STATUS item FOO", Bad("a STATUS INBOX (FOO)").Text);
        Bad("a STATUS INBOX ()");
        Bad("a STATUS INBOX");
    }

    [Fact]
    public void Append_takes_flags_date_and_literal_message()
    {
        var result = ParseWire("a APPEND Sent (\\Seen $Label1) \" 5-Mar-2024 14:07:09 +0100\" {11+}\r\nSubject: x\n\r\n");
        var append = Assert.IsType<AppendCommand>(result.Command);
        Assert.Equal("Sent", append.Mailbox);
        Assert.Equal(["\\Seen", "$Label1"], append.Flags);
        Assert.Equal(new DateTimeOffset(2024, 3, 5, 14, 7, 9, TimeSpan.FromHours(1)), append.InternalDate);
        Assert.Equal("Subject: x\n", Encoding.UTF8.GetString(append.Message));
        Assert.DoesNotContain("Subject", append.ToString());
    }

    [Fact]
    public void Append_without_flags_or_date_is_accepted()
    {
        var append = Assert.IsType<AppendCommand>(ParseWire("a APPEND INBOX {1+}\r\nx\r\n").Command);
        Assert.Empty(append.Flags);
        Assert.Null(append.InternalDate);
    }

    [Theory]
    [InlineData("a APPEND INBOX \"x\"")]
    [InlineData("a APPEND INBOX (\\Recent) {1+}\r\nx")]
    [InlineData("a APPEND INBOX \"32-Mar-2024 14:07:09 +0100\" {1+}\r\nx")]
    [InlineData("a APPEND INBOX \"05-Mar-2024 25:07:09 +0100\" {1+}\r\nx")]
    [InlineData("a APPEND INBOX \"05-Mrz-2024 14:07:09 +0100\" {1+}\r\nx")]
    [InlineData("a APPEND INBOX {1+}\r\nx extra")]
    public void Malformed_append_is_bad(string wire) =>
        Assert.Equal(ImapStatus.Bad, ParseWire(wire + "\r\n").Error!.Status);

    [Fact]
    public void A_brace_that_is_not_the_lines_literal_announcement_is_not_read_as_a_literal()
    {
        // the line ends in a valid announcement, but the cursor meets an earlier "{" first
        var result = ParseWire("a LOGIN {x {3+}\r\nbob pw\r\n");
        Assert.Equal("Literal announced but not at end of line", result.Error!.Text);
    }
}
