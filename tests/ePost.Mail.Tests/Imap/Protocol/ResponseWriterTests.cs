using System.Text;
using ePost.Mail.Imap.Protocol;

namespace ePost.Mail.Tests.Imap.Protocol;

public class ResponseWriterTests
{
    private static string Write(Action<ImapResponseWriter> write)
    {
        var writer = new ImapResponseWriter();
        write(writer);
        return writer.ToString();
    }

    [Fact]
    public void Status_lines_carry_tag_status_code_and_text()
    {
        Assert.Equal("a1 OK [READ-WRITE] SELECT completed\r\n", Write(w => w.Tagged("a1", ImapStatus.Ok, "READ-WRITE", "SELECT completed")));
        Assert.Equal("* BYE Logging out\r\n", Write(w => w.UntaggedStatus(ImapStatus.Bye, null, "Logging out")));
        Assert.Equal("+ Ready\r\n", Write(w => w.Continuation("Ready")));
        Assert.Equal("* 3 EXISTS\r\n", Write(w => w.Untagged("3 EXISTS")));
    }

    [Fact]
    public void Response_text_cannot_inject_a_line()
    {
        Assert.Equal("a NO bad  * OK pwned\r\n", Write(w => w.Tagged("a", ImapStatus.No, null, "bad\r\n* OK pwned")));
    }

    [Theory]
    [InlineData("INBOX", "INBOX")]
    [InlineData("with space", "\"with space\"")]
    [InlineData("", "\"\"")]
    [InlineData("nil", "\"nil\"")]
    [InlineData("a\"b\\c", "\"a\\\"b\\\\c\"")]
    [InlineData("line\r\nbreak", "{11}\r\nline\r\nbreak")]
    [InlineData("\u00e9t\u00e9", "{5}\r\n\u00e9t\u00e9")]
    [InlineData("x(y", "\"x(y\"")]
    public void Astrings_take_the_simplest_legal_form(string value, string expected) =>
        Assert.Equal(expected, Write(w => w.AString(value)));

    [Fact]
    public void Strings_are_never_atoms_and_nstrings_can_be_nil()
    {
        Assert.Equal("\"INBOX\"", Write(w => w.String("INBOX")));
        Assert.Equal("NIL", Write(w => w.NString((string?)null)));
        Assert.Equal("{2}\r\n\0x", Write(w => w.String(new byte[] { 0, (byte)'x' })));
    }

    [Fact]
    public void Long_strings_become_literals()
    {
        string value = new('a', 2000);
        Assert.StartsWith("{2000}\r\n", Write(w => w.String(value)));
    }

    [Fact]
    public void Mailbox_names_are_modified_utf7_encoded()
    {
        Assert.Equal("Entw&APw-rfe", Write(w => w.Mailbox("Entw\u00fcrfe")));
        Assert.Equal("\"Tom &- Jerry\"", Write(w => w.Mailbox("Tom & Jerry")));
    }

    [Fact]
    public void Internal_date_uses_the_rfc_3501_format()
    {
        Assert.Equal("\"05-Mar-2024 14:07:09 +0100\"", Write(w => w.DateTime(new DateTimeOffset(2024, 3, 5, 14, 7, 9, TimeSpan.FromHours(1)))));
        Assert.Equal("\"31-Dec-1999 23:59:59 -0330\"", Write(w => w.DateTime(new DateTimeOffset(1999, 12, 31, 23, 59, 59, new TimeSpan(-3, -30, 0)))));
    }

    [Fact]
    public void Reader_rejections_render_as_their_response()
    {
        var rejection = new ImapCommandRejected("a", ImapStatus.No, "TOOBIG", "Too big");
        Assert.Equal("a NO [TOOBIG] Too big\r\n", Write(w => w.Rejection(rejection)));
        Assert.Equal("a NO [TOOBIG] Too big\r\n", Encoding.ASCII.GetString(new ImapResponseWriter().Rejection(rejection).ToArray()));
    }
}
