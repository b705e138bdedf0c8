using ePost.Mail.Imap.Protocol;

namespace ePost.Mail.Tests.Imap.Protocol;

public class DataResponsesTests
{
    private static string Write(Action<ImapResponseWriter> write)
    {
        var writer = new ImapResponseWriter();
        write(writer);
        return writer.ToString();
    }

    [Fact]
    public void List_encodes_names_and_quotes_the_delimiter()
    {
        Assert.Equal("* LIST (\\HasNoChildren \\Drafts) \"/\" Entw&APw-rfe\r\n",
            Write(w => ImapDataResponses.List(w, ["\\HasNoChildren", "\\Drafts"], "Entw\u00fcrfe")));
        Assert.Equal("* LSUB () \"/\" \"My Box\"\r\n", Write(w => ImapDataResponses.List(w, [], "My Box", lsub: true)));
    }

    [Fact]
    public void Status_lists_items_in_order()
    {
        Assert.Equal("* STATUS INBOX (MESSAGES 3 UIDNEXT 9)\r\n",
            Write(w => ImapDataResponses.Status(w, "INBOX", [new("MESSAGES", "3"), new("UIDNEXT", "9")])));
    }

    [Fact]
    public void Search_with_and_without_results()
    {
        Assert.Equal("* SEARCH\r\n", Write(w => ImapDataResponses.Search(w, [], highestModSeq: 5)));
        Assert.Equal("* SEARCH 2 7 (MODSEQ 5)\r\n", Write(w => ImapDataResponses.Search(w, [2, 7], highestModSeq: 5)));
        Assert.Equal("* SEARCH 2\r\n", Write(w => ImapDataResponses.Search(w, [2])));
    }

    [Fact]
    public void Namespace_and_id()
    {
        Assert.Equal("* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n", Write(ImapDataResponses.Namespace));
        Assert.Equal("* ID (\"name\" \"ePost\" \"version\" NIL)\r\n",
            Write(w => ImapDataResponses.Id(w, [new("name", "ePost"), new("version", null)])));
        Assert.Equal("* ID NIL\r\n", Write(w => ImapDataResponses.Id(w, null)));
    }
}
