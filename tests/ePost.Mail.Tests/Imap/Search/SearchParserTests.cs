using ePost.Mail.Imap.Commands;
using ePost.Mail.Imap.Protocol;
using ePost.Mail.Imap.Search;
using ePost.Mail.Tests.Imap.Commands;

namespace ePost.Mail.Tests.Imap.Search;

public class SearchParserTests : ParserTestBase
{
    private static string Tree(string keys) => Parse<SearchCommand>("a SEARCH " + keys).Key.ToString()!;

    [Theory]
    [InlineData("ALL", "ALL")]
    [InlineData("answered deleted draft flagged seen", "(ANSWERED DELETED DRAFT FLAGGED SEEN)")]
    [InlineData("UNANSWERED UNDELETED UNDRAFT UNFLAGGED UNSEEN", "(UNANSWERED UNDELETED UNDRAFT UNFLAGGED UNSEEN)")]
    [InlineData("KEYWORD $Junk UNKEYWORD $NotJunk", "(KEYWORD $Junk UNKEYWORD $NotJunk)")]
    [InlineData("NEW", "(RECENT UNSEEN)")]
    [InlineData("OLD RECENT", "(OLD RECENT)")]
    [InlineData("FROM alice TO \"bob smith\" CC c BCC d SUBJECT hi", "(FROM \"alice\" TO \"bob smith\" CC \"c\" BCC \"d\" SUBJECT \"hi\")")]
    [InlineData("HEADER List-Id \"\"", "HEADER LIST-ID \"\"")]
    [InlineData("BODY x TEXT y", "(BODY \"x\" TEXT \"y\")")]
    [InlineData("BEFORE 1-Feb-1994 ON 01-feb-1994 SINCE \"28-Feb-2024\"", "(BEFORE 1-Feb-1994 ON 1-Feb-1994 SINCE 28-Feb-2024)")]
    [InlineData("SENTBEFORE 1-Jan-2000 SENTON 2-Jan-2000 SENTSINCE 3-Jan-2000", "(SENTBEFORE 1-Jan-2000 SENTON 2-Jan-2000 SENTSINCE 3-Jan-2000)")]
    [InlineData("LARGER 100 SMALLER 5000", "(LARGER 100 SMALLER 5000)")]
    [InlineData("1:3,*", "1:3,*")]
    [InlineData("UID 10:*", "UID 10:*")]
    [InlineData("MODSEQ 42", "MODSEQ 42")]
    [InlineData("MODSEQ \"/flags/\\\\draft\" all 620162338", "MODSEQ 620162338")]
    [InlineData("NOT SEEN", "NOT SEEN")]
    [InlineData("OR FROM a NOT TO b", "OR FROM \"a\" NOT TO \"b\"")]
    [InlineData("OR (FROM a SUBJECT b) (OR SEEN FLAGGED)", "OR (FROM \"a\" SUBJECT \"b\") (OR SEEN FLAGGED)")]
    [InlineData("NOT (OR 1 2) UNSEEN", "(NOT (OR 1 2) UNSEEN)")]
    public void Every_rfc_3501_key_parses_into_the_tree(string keys, string tree) => Assert.Equal(tree, Tree(keys));

    [Fact]
    public void Charset_is_remembered_and_literal_strings_are_utf8()
    {
        var result = ParseWire("a SEARCH CHARSET utf-8 SUBJECT {6+}\r\nf\u00fc\u00fcr\r\n");
        var search = Assert.IsType<SearchCommand>(result.Command);
        Assert.Equal("UTF-8", search.Charset);
        Assert.Equal(new SearchHeader("SUBJECT", "f\u00fc\u00fcr"), search.Key);
    }

    [Fact]
    public void Unsupported_charset_is_refused_with_badcharset()
    {
        var error = Bad("a SEARCH CHARSET KOI8-R ALL", ImapStatus.No);
        Assert.Equal("BADCHARSET (UTF-8 US-ASCII)", error.Code);
    }

    [Theory]
    [InlineData("a SEARCH")]
    [InlineData("a SEARCH FOO")]
    [InlineData("a SEARCH FROM")]
    [InlineData("a SEARCH OR SEEN")]
    [InlineData("a SEARCH NOT")]
    [InlineData("a SEARCH ()")]
    [InlineData("a SEARCH (SEEN")]
    [InlineData("a SEARCH SEEN)")]
    [InlineData("a SEARCH BEFORE 30-Feb-2024")]
    [InlineData("a SEARCH BEFORE 1-Feb-94")]
    [InlineData("a SEARCH LARGER x")]
    [InlineData("a SEARCH LARGER 99999999999")]
    [InlineData("a SEARCH UID x")]
    [InlineData("a SEARCH SEEN  ALL")]
    [InlineData("a SEARCH MODSEQ \"/flags/x\" bogus 5")]
    public void Malformed_search_is_bad(string line) => Bad(line);

    [Fact]
    public void Not_chains_deeper_than_the_limit_are_bad_not_a_stack_overflow()
    {
        string keys = string.Concat(Enumerable.Repeat("NOT ", 10_000)) + "SEEN";
        var result = ParseWire($"a SEARCH {keys}\r\n", new ImapLimits { MaxLineLength = 100_000 });
        Assert.Equal(ImapStatus.Bad, result.Error!.Status);
        Assert.Contains("nested deeper", result.Error.Text);
    }

    [Fact]
    public void Nesting_within_the_limit_is_accepted()
    {
        string keys = string.Concat(Enumerable.Repeat("NOT ", 20)) + "SEEN";
        Assert.IsType<SearchCommand>(ParseWire($"a SEARCH {keys}\r\n").Command);
    }
}
