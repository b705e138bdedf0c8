using System.Text;
using ePost.Mail.Imap.Commands;
using ePost.Mail.Imap.Fetch;
using ePost.Mail.Imap.Protocol;
using ePost.Mail.Tests.Imap.Messages;

namespace ePost.Mail.Tests.Imap.Fetch;

public class FetchResponderTests
{
    private static string Respond(string file, string items, uint seq = 4)
    {
        var command = (FetchCommand)new ImapCommandParser().Parse($"a UID FETCH {seq} {items}").Command!;
        var message = new FetchableMessage(20, ["\\Seen", "\\Recent"], new DateTimeOffset(2024, 3, 8, 9, 5, 0, TimeSpan.FromHours(2)), 12,
            new Lazy<ePost.Mail.Imap.Mime.ImapMessage>(() => TestMessages.Load(file)));
        var writer = new ImapResponseWriter();
        FetchResponder.Write(writer, seq, message, command.Items);
        return writer.ToString();
    }

    [Fact]
    public void Simple_attributes_answer_in_request_order_with_uid_first()
    {
        Assert.Equal("* 4 FETCH (UID 20 FLAGS (\\Seen \\Recent) INTERNALDATE \"08-Mar-2024 09:05:00 +0200\" RFC822.SIZE 158 MODSEQ (12))\r\n",
            Respond("plain-8bit-header.eml", "(FLAGS INTERNALDATE RFC822.SIZE MODSEQ)"));
    }

    [Fact]
    public void Rfc822_size_equals_the_bytes_served_for_body()
    {
        string response = Respond("forwarded-rfc822.eml", "(RFC822.SIZE BODY.PEEK[])");
        Assert.StartsWith("* 4 FETCH (UID 20 RFC822.SIZE 548 BODY[] {548}\r\nFrom: bob@example.net\r\n", response);
        Assert.EndsWith("--outer--\r\n)\r\n", response);
    }

    [Fact]
    public void Sections_are_echoed_without_peek_and_with_origin_only_and_always_as_literals()
    {
        Assert.Equal("* 4 FETCH (UID 20 BODY[TEXT]<5> {4}\r\nline)\r\n", Respond("plain-8bit-header.eml", "BODY.PEEK[TEXT]<5.4>"));
        Assert.Equal("* 4 FETCH (UID 20 BODY[HEADER.FIELDS (X-SPAM)] {15}\r\nX-Spam: yes\r\n\r\n)\r\n",
            Respond("plain-8bit-header.eml", "BODY.PEEK[HEADER.FIELDS (X-Spam)]"));
        Assert.Equal("* 4 FETCH (UID 20 BODY[2.1] {10}\r\ninner text BODY[9] NIL)\r\n", Respond("forwarded-rfc822.eml", "(BODY[2.1] BODY[9])"));
    }

    [Fact]
    public void Rfc822_items_answer_under_their_own_names()
    {
        Assert.Equal("* 4 FETCH (UID 20 RFC822.TEXT {30}\r\nBody line one\r\nBody line two\r\n)\r\n",
            Respond("plain-8bit-header.eml", "RFC822.TEXT"));
    }

    [Fact]
    public void Binary_items_decode_and_report_decoded_size()
    {
        string response = Respond("mixed-attachment.eml", "(BINARY.SIZE[2] BINARY.PEEK[2]<0.4>)");
        Assert.Equal("* 4 FETCH (UID 20 BINARY.SIZE[2] 19 BINARY[2]<0> {4}\r\n%PDF)\r\n", response);
    }

    [Fact]
    public void Envelope_and_bodystructure_are_written_in_place()
    {
        string response = Respond("alternative-encoded-words.eml", "(BODY)");
        Assert.Equal("* 4 FETCH (UID 20 BODY ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"ISO-8859-1\") NIL NIL \"QUOTED-PRINTABLE\" 10 1)" +
            "(\"TEXT\" \"HTML\" (\"CHARSET\" \"UTF-8\") NIL NIL \"7BIT\" 24 1) \"ALTERNATIVE\"))\r\n", response);
        Assert.Contains("ENVELOPE (\"Wed, 6 Mar 2024", Respond("alternative-encoded-words.eml", "ENVELOPE"));
    }

    [Fact]
    public void Content_is_not_loaded_for_flag_only_fetches()
    {
        var lazy = new Lazy<ePost.Mail.Imap.Mime.ImapMessage>(() => throw new InvalidOperationException("loaded"));
        var writer = new ImapResponseWriter();
        FetchResponder.Write(writer, 1, new FetchableMessage(7, [], DateTimeOffset.UnixEpoch, 0, lazy),
            [new FetchAttribute(FetchAttributeKind.Uid), new FetchAttribute(FetchAttributeKind.Flags)]);
        Assert.Equal("* 1 FETCH (UID 7 FLAGS ())\r\n", Encoding.ASCII.GetString(writer.ToArray()));
        Assert.False(lazy.IsValueCreated);
    }
}
