using ePost.Mail.Imap.Commands;
using ePost.Mail.Imap.Fetch;
using ePost.Mail.Imap.Mime;
using ePost.Mail.Imap.Protocol;
using ePost.Mail.Tests.Imap.Messages;

namespace ePost.Mail.Tests.Imap.Fetch;

public class FetchContentTests
{
    private static IReadOnlyList<FetchItem> Items(string items) =>
        ((FetchCommand)new ImapCommandParser().Parse($"a FETCH 1 {items}").Command!).Items;

    private static string Respond(ReadOnlyMemory<byte> content, long size, IReadOnlyList<FetchItem> items)
    {
        var message = new FetchableMessage(1, [], DateTimeOffset.UnixEpoch, 0, new Lazy<ImapMessage>(() => ImapMessage.Parse(content)))
        {
            KnownSize = size,
        };
        var writer = new ImapResponseWriter();
        FetchResponder.Write(writer, 1, message, items);
        return writer.ToString();
    }

    [Theory]
    [InlineData("(FLAGS UID RFC822.SIZE INTERNALDATE MODSEQ)", FetchContentNeed.None)]
    [InlineData("(FLAGS ENVELOPE)", FetchContentNeed.Header)]
    [InlineData("(UID RFC822.HEADER BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)] BODY.PEEK[HEADER.FIELDS.NOT (X)])", FetchContentNeed.Header)]
    [InlineData("(ENVELOPE BODY.PEEK[1.HEADER])", FetchContentNeed.Whole)]
    [InlineData("(ENVELOPE BODYSTRUCTURE)", FetchContentNeed.Whole)]
    [InlineData("BODY.PEEK[TEXT]", FetchContentNeed.Whole)]
    [InlineData("RFC822", FetchContentNeed.Whole)]
    [InlineData("BINARY.SIZE[1]", FetchContentNeed.Whole)]
    public void A_fetch_loads_only_what_its_items_need(string items, FetchContentNeed need) =>
        Assert.Equal(need, FetchContent.Of(Items(items)));

    [Theory]
    [InlineData("plain-8bit-header.eml")]
    [InlineData("mixed-attachment.eml")]
    [InlineData("alternative-encoded-words.eml")]
    [InlineData("forwarded-rfc822.eml")]
    public void Header_items_answered_from_the_header_block_equal_those_from_the_whole_message(string file)
    {
        var bytes = TestMessages.Bytes(file);
        var items = Items("(RFC822.SIZE ENVELOPE RFC822.HEADER BODY.PEEK[HEADER] BODY.PEEK[HEADER.FIELDS (SUBJECT TO)] BODY.PEEK[HEADER.FIELDS.NOT (SUBJECT)])");
        Assert.Equal(Respond(bytes, bytes.Length, items), Respond(FetchContent.HeaderBlock(bytes), bytes.Length, items));
    }

    [Theory]
    [InlineData("Subject: a\r\n\r\nbody\r\n", "Subject: a\r\n\r\n")]
    [InlineData("Subject: a\n\nbody\n\r\n\r\n", "Subject: a\n\n")]
    [InlineData("Subject: a\r\n", "Subject: a\r\n")]
    public void The_header_block_ends_after_the_first_empty_line(string message, string header) =>
        Assert.Equal(header, System.Text.Encoding.UTF8.GetString(FetchContent.HeaderBlock(System.Text.Encoding.UTF8.GetBytes(message)).Span));
}
