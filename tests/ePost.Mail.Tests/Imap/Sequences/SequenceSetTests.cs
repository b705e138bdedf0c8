using ePost.Mail.Imap.Protocol;
using ePost.Mail.Imap.Sequences;

namespace ePost.Mail.Tests.Imap.Sequences;

public class SequenceSetTests
{
    [Theory]
    [InlineData("1:*", 5u, new uint[] { 1, 2, 3, 4, 5 })]
    [InlineData("*:4", 5u, new uint[] { 4, 5 })]
    [InlineData("2,4:7,9", 10u, new uint[] { 2, 4, 5, 6, 7, 9 })]
    [InlineData("7:4", 10u, new uint[] { 4, 5, 6, 7 })]
    [InlineData("*", 3u, new uint[] { 3 })]
    [InlineData("1:3,2:4,3", 10u, new uint[] { 1, 2, 3, 4 })]
    [InlineData("8:20", 10u, new uint[] { 8, 9, 10 })]
    [InlineData("1:*", 0u, new uint[0])]
    public void Sequence_numbers_resolve_against_the_message_count(string text, uint count, uint[] expected) =>
        Assert.Equal(expected, SequenceSet.Parse(text).ResolveSequenceNumbers(count));

    [Fact]
    public void Dollar_alone_is_the_saved_search_result_which_names_nothing_by_itself()
    {
        var set = SequenceSet.Parse("$");
        Assert.True(set.IsSavedResult);
        Assert.Equal("$", set.ToString());
        Assert.Empty(set.ResolveUids([1, 2, 3]));
        Assert.Empty(set.ResolveSequenceNumbers(3));
    }

    [Fact]
    public void A_number_beyond_the_mailbox_makes_the_set_out_of_range()
    {
        Assert.False(SequenceSet.Parse("1:20").IsWithin(10));
        Assert.True(SequenceSet.Parse("1:*,3").IsWithin(10));
        Assert.False(SequenceSet.Parse("*").IsWithin(0));
    }

    [Theory]
    [InlineData("1:*", new uint[] { 3, 7, 12 })]
    [InlineData("4:11", new uint[] { 7 })]
    [InlineData("13:*", new uint[] { 12 })] // RFC 3501: n:* always includes the largest UID
    [InlineData("*", new uint[] { 12 })]
    [InlineData("1,2,4", new uint[0])]
    [InlineData("3,12", new uint[] { 3, 12 })]
    public void Uids_resolve_against_the_uids_present(string text, uint[] expected) =>
        Assert.Equal(expected, SequenceSet.Parse(text).ResolveUids([3, 7, 12]));

    [Fact]
    public void Huge_ranges_cost_only_what_the_mailbox_holds()
    {
        var set = SequenceSet.Parse(string.Join(',', Enumerable.Repeat("1:4294967295", 2000)));
        Assert.Equal(3, set.ResolveSequenceNumbers(3).Count);
        Assert.Equal([5u], set.ResolveUids([5]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("1:0")]
    [InlineData("1,")]
    [InlineData(",1")]
    [InlineData("1::2")]
    [InlineData("a")]
    [InlineData("4294967296")]
    [InlineData("1 2")]
    [InlineData("1,$")]
    [InlineData("$,1")]
    [InlineData("$:3")]
    public void Malformed_sets_are_syntax_errors(string text) =>
        Assert.Throws<ImapParseException>(() => SequenceSet.Parse(text));

    [Fact]
    public void Canonical_text_round_trips()
    {
        Assert.Equal("2,4:7,9,12:*", SequenceSet.Parse("2,4:7,9,12:*").ToString());
    }

    [Fact]
    public void From_numbers_builds_the_shortest_set()
    {
        Assert.Equal("1:3,7,9:10", SequenceSet.FromNumbers([9, 1, 2, 3, 7, 10, 2]).ToString());
        Assert.Equal("5:6,2", SequenceSet.InOrder([5, 6, 2]).ToString());
    }

    [Fact]
    public void Contains_treats_star_as_the_largest_number()
    {
        var set = SequenceSet.Parse("5:*");
        Assert.True(set.Contains(3, largest: 3));
        Assert.False(set.Contains(2, largest: 3));
        Assert.True(set.Contains(9, largest: 20));
    }
}
