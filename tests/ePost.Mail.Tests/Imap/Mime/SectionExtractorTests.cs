using System.Text;
using ePost.Mail.Imap.Fetch;
using ePost.Mail.Imap.Mime;
using ePost.Mail.Tests.Imap.Messages;

namespace ePost.Mail.Tests.Imap.Mime;

public class SectionExtractorTests
{
    private static readonly ImapMessage Forwarded = TestMessages.Load("forwarded-rfc822.eml");
    private static readonly ImapMessage Mixed = TestMessages.Load("mixed-attachment.eml");
    private static readonly ImapMessage Plain = TestMessages.Load("plain-8bit-header.eml");

    private static BodySection S(string spec, params string[] fields)
    {
        var parts = new List<int>();
        var kind = SectionKind.Content;
        foreach (string token in spec.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            if (int.TryParse(token, out int n)) parts.Add(n);
            else kind = token switch
            {
                "HEADER" => SectionKind.Header,
                "TEXT" => SectionKind.Text,
                "MIME" => SectionKind.Mime,
                "FIELDS" => SectionKind.HeaderFields,
                "NOT" => SectionKind.HeaderFieldsNot,
                _ => throw new ArgumentException(token),
            };
        }
        return new BodySection(parts, kind, fields);
    }

    private static string? Text(ImapMessage message, BodySection section, FetchPartial? partial = null)
    {
        var bytes = SectionExtractor.Extract(message, section, partial);
        return bytes is null ? null : Encoding.UTF8.GetString(bytes.Value.Span);
    }

    [Fact]
    public void Whole_message_is_the_stored_bytes_and_rfc822_size_is_their_length()
    {
        var raw = TestMessages.Bytes("forwarded-rfc822.eml");
        Assert.Equal(raw, SectionExtractor.Extract(Forwarded, BodySection.Whole)!.Value.ToArray());
        Assert.Equal(548, Forwarded.Size);
    }

    [Fact]
    public void Header_and_text_split_at_the_blank_line_which_belongs_to_the_header()
    {
        Assert.EndsWith("boundary=\"outer\"\r\n\r\n", Text(Forwarded, S("HEADER")));
        Assert.StartsWith("From: bob@example.net\r\n", Text(Forwarded, S("HEADER")));
        Assert.StartsWith("--outer\r\nContent-Type: text/plain\r\n\r\nSee below.\r\n--outer\r\n", Text(Forwarded, S("TEXT")));
        Assert.Equal(Forwarded.Size, Encoding.UTF8.GetByteCount(Text(Forwarded, S("HEADER"))! + Text(Forwarded, S("TEXT"))));
    }

    [Fact]
    public void Numbered_parts_give_bodies_without_mime_headers_or_boundary_crlf()
    {
        Assert.Equal("See below.", Text(Forwarded, S("1")));
        Assert.Equal("Content-Type: text/plain\r\n\r\n", Text(Forwarded, S("1.MIME")));
        Assert.Equal("Content-Type: message/rfc822\r\n\r\n", Text(Forwarded, S("2.MIME")));
    }

    [Fact]
    public void Message_rfc822_part_is_the_whole_encapsulated_message()
    {
        string inner = Text(Forwarded, S("2"))!;
        Assert.StartsWith("From: Alice Example <alice@example.org>\r\n", inner);
        Assert.EndsWith("<b>inner</b>\r\n--inner--", inner);
        Assert.Equal(260, Encoding.UTF8.GetByteCount(inner));
    }

    [Fact]
    public void Header_and_text_after_a_part_number_address_the_encapsulated_message()
    {
        Assert.Equal(
            "From: Alice Example <alice@example.org>\r\nSubject: Inner\r\nDate: Tue, 5 Mar 2024 14:07:09 +0100\r\n" +
            "Content-Type: multipart/alternative; boundary=\"inner\"\r\n\r\n",
            Text(Forwarded, S("2.HEADER")));
        Assert.StartsWith("--inner\r\n", Text(Forwarded, S("2.TEXT")));
        Assert.Equal("From: Alice Example <alice@example.org>\r\n\r\n", Text(Forwarded, S("2.FIELDS", "FROM")));
    }

    [Fact]
    public void Parts_nest_through_encapsulated_multiparts()
    {
        Assert.Equal("inner text", Text(Forwarded, S("2.1")));
        Assert.Equal("<b>inner</b>", Text(Forwarded, S("2.2")));
        Assert.Equal("Content-Type: text/html\r\n\r\n", Text(Forwarded, S("2.2.MIME")));
    }

    [Fact]
    public void Missing_parts_and_message_sections_of_leaf_parts_are_null()
    {
        Assert.Null(Text(Forwarded, S("3")));
        Assert.Null(Text(Forwarded, S("2.3")));
        Assert.Null(Text(Forwarded, S("1.1")));
        Assert.Null(Text(Forwarded, S("1.HEADER")));
        Assert.Null(Text(Mixed, S("2.1")));
    }

    [Fact]
    public void Non_multipart_message_has_exactly_part_one_its_body()
    {
        Assert.Equal("Body line one\r\nBody line two\r\n", Text(Plain, S("1")));
        Assert.Null(Text(Plain, S("2")));
    }

    [Fact]
    public void Header_fields_keep_folded_lines_byte_for_byte()
    {
        Assert.Equal("Subject: Gr\u00fc\u00dfe\r\n und mehr\r\nX-Spam: yes\r\n\r\n", Text(Plain, S("FIELDS", "SUBJECT", "x-spam")));
        Assert.Equal("\r\n", Text(Plain, S("FIELDS", "NO-SUCH-FIELD")));
        Assert.Equal("From: Zo\u00eb <zoe@example.org>\r\nTo: x@example.org\r\nIn-Reply-To: <parent@example.org>\r\n\r\n",
            Text(Plain, S("NOT", "SUBJECT", "X-SPAM")));
    }

    [Theory]
    [InlineData(0, 4, "Body")]
    [InlineData(5, 4, "line")]
    [InlineData(25, 100, "two\r\n")]
    [InlineData(30, 10, "")]
    [InlineData(1000, 10, "")]
    public void Partials_slice_the_section_bytes(long origin, long size, string expected) =>
        Assert.Equal(expected, Text(Plain, S("TEXT"), new FetchPartial(origin, size)));

    [Fact]
    public void Partial_counts_bytes_not_characters()
    {
        // "Zo\u00eb" is 4 bytes; <6.3> of the header starts inside "From: Zo\u00eb"
        Assert.Equal("Zo", Text(Plain, S("HEADER"), new FetchPartial(6, 2)));
        var bytes = SectionExtractor.Extract(Plain, S("HEADER"), new FetchPartial(8, 2))!.Value.ToArray();
        Assert.Equal(Encoding.UTF8.GetBytes("\u00eb"), bytes);
    }

    [Fact]
    public void Binary_decodes_the_content_transfer_encoding()
    {
        Assert.Equal(Convert.FromBase64String("JVBERi0xLjQKJcOkw7zDtsOfCg=="), SectionExtractor.ExtractBinary(Mixed, [2]));
        var alternative = TestMessages.Load("alternative-encoded-words.eml");
        Assert.Equal(new byte[] { (byte)'G', (byte)'r', 0xFC, 0xDF, (byte)'e', (byte)'!' }, SectionExtractor.ExtractBinary(alternative, [1]));
        Assert.Null(SectionExtractor.ExtractBinary(Mixed, [9]));
    }
}
