using ePost.Mail.Imap.Commands;
using ePost.Mail.Imap.Fetch;
using ePost.Mail.Tests.Imap.Commands;

namespace ePost.Mail.Tests.Imap.Fetch;

public class FetchParserTests : ParserTestBase
{
    private static IReadOnlyList<FetchItem> Items(string items) => Parse<FetchCommand>("a FETCH 1 " + items).Items;

    private static string Names(string items) => string.Join(' ', Items(items).Select(i => i switch
    {
        FetchAttribute a => a.Name,
        FetchRfc822 r => r.Name,
        FetchBodySection b => (b.Peek ? "PEEK:" : "") + b.ResponseName + (b.Partial is { } p ? $".{p.Size}" : ""),
        _ => "?",
    }));

    [Theory]
    [InlineData("ALL", "FLAGS INTERNALDATE RFC822.SIZE ENVELOPE")]
    [InlineData("FAST", "FLAGS INTERNALDATE RFC822.SIZE")]
    [InlineData("FULL", "FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY")]
    [InlineData("(uid flags envelope bodystructure body modseq)", "UID FLAGS ENVELOPE BODYSTRUCTURE BODY MODSEQ")]
    [InlineData("(RFC822 RFC822.HEADER RFC822.TEXT RFC822.SIZE)", "RFC822 RFC822.HEADER RFC822.TEXT RFC822.SIZE")]
    [InlineData("BODY[]", "BODY[]")]
    [InlineData("BODY.PEEK[HEADER]", "PEEK:BODY[HEADER]")]
    [InlineData("BODY[TEXT]<0.100>", "BODY[TEXT]<0>.100")]
    [InlineData("BODY[1.2.3]", "BODY[1.2.3]")]
    [InlineData("BODY[2.MIME]", "BODY[2.MIME]")]
    [InlineData("BODY[3.HEADER]", "BODY[3.HEADER]")]
    [InlineData("body.peek[header.fields (from To \"Subject\")]", "PEEK:BODY[HEADER.FIELDS (FROM TO SUBJECT)]")]
    [InlineData("BODY[1.HEADER.FIELDS.NOT (X-Spam)]<10.20>", "BODY[1.HEADER.FIELDS.NOT (X-SPAM)]<10>.20")]
    [InlineData("(BINARY[1] BINARY.PEEK[2.1]<0.10> BINARY.SIZE[1])", "BINARY[1] PEEK:BINARY[2.1]<0>.10 PEEK:BINARY.SIZE[1]")]
    public void Items_parse_with_macros_expanded(string items, string names) => Assert.Equal(names, Names(items));

    [Fact]
    public void Only_non_peek_body_and_rfc822_text_set_seen()
    {
        Assert.Equal([true, false, true, false, true], Items("(BODY[] BODY.PEEK[] RFC822 RFC822.HEADER RFC822.TEXT)").Select(i => i.SetsSeen));
    }

    [Fact]
    public void Changedsince_adds_modseq()
    {
        var fetch = Parse<FetchCommand>("a FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)");
        Assert.Equal(12345ul, fetch.ChangedSince);
        Assert.Contains(new FetchAttribute(FetchAttributeKind.ModSeq), fetch.Items);
    }

    [Fact]
    public void Header_fields_sections_compare_by_value()
    {
        var a = (FetchBodySection)Items("BODY[HEADER.FIELDS (FROM)]")[0];
        var b = (FetchBodySection)Items("BODY[HEADER.FIELDS (from)]")[0];
        Assert.Equal(a.Section, b.Section);
    }

    [Theory]
    [InlineData("a FETCH 1")]
    [InlineData("a FETCH 1 ()")]
    [InlineData("a FETCH 1 BOGUS")]
    [InlineData("a FETCH 1 BODY[")]
    [InlineData("a FETCH 1 BODY[HEADERS]")]
    [InlineData("a FETCH 1 BODY[MIME]")]
    [InlineData("a FETCH 1 BODY[0]")]
    [InlineData("a FETCH 1 BODY[1.]")]
    [InlineData("a FETCH 1 BODY[HEADER.FIELDS]")]
    [InlineData("a FETCH 1 BODY[HEADER.FIELDS ()]")]
    [InlineData("a FETCH 1 BODY[HEADER.FIELDS (A:B)]")]
    [InlineData("a FETCH 1 BODY[]<0>")]
    [InlineData("a FETCH 1 BODY[]<0.0>")]
    [InlineData("a FETCH 1 BINARY[TEXT]")]
    [InlineData("a FETCH 1 (FLAGS")]
    [InlineData("a FETCH 1 FLAGS (CHANGEDSINCE x)")]
    [InlineData("a FETCH x FLAGS")]
    public void Malformed_fetch_is_bad(string line) => Bad(line);

    [Fact]
    public void Part_numbers_nested_too_deep_are_bad()
    {
        Bad("a FETCH 1 BODY[" + string.Join('.', Enumerable.Repeat("1", 40)) + "]");
    }
}
