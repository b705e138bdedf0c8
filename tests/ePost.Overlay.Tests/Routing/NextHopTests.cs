using ePost.Core.Ids;
using ePost.Overlay.Routing;
using static ePost.Overlay.Tests.Support.Ids;

namespace ePost.Overlay.Tests.Routing;

public sealed class NextHopTests
{
    private readonly LeafSet _leafSet = new(Handle("a3"), 8);
    private readonly RoutingTable _table = new(Handle("a3"), 4);

    public NextHopTests()
    {
        // Leaf set a2c..a34 (full on both sides); routing table rows 0 and 1 partly filled.
        foreach (var id in new[] { "a31", "a32", "a33", "a34", "a2f", "a2e", "a2d", "a2c" })
        {
            _leafSet.Offer(Handle(id));
            _table.Offer(Handle(id));
        }
        foreach (var id in new[] { "10", "51", "7f", "b0", "c0", "a5", "a71" }) _table.Offer(Handle(id));
    }

    private NodeHandle? Next(string key, Func<NodeHandle, bool>? usable = null) => NextHop.For(Id(key), _leafSet, _table, usable);

    [Theory]
    [InlineData("a321", "a32")]
    [InlineData("a2c1", "a2c")]
    [InlineData("a34", "a34")]
    public void A_key_in_leaf_set_range_goes_to_the_closest_member(string key, string expected) =>
        Assert.Equal(Id(expected), Next(key)!.Id);

    [Theory]
    [InlineData("a301")]
    [InlineData("a2ff")]
    public void A_key_in_range_closest_to_self_has_no_next_hop(string key) => Assert.Null(Next(key));

    [Fact]
    public void The_own_id_has_no_next_hop() => Assert.Null(Next("a3"));

    [Theory]
    [InlineData("5", "51")]
    [InlineData("1f", "10")]
    [InlineData("a7", "a71")]
    [InlineData("a5ff", "a5")]
    public void A_key_outside_the_leaf_set_goes_to_the_table_entry_for_its_next_digit(string key, string expected) =>
        Assert.Equal(Id(expected), Next(key)!.Id);

    [Fact]
    public void An_empty_slot_falls_back_to_the_closest_node_with_at_least_as_long_a_prefix()
    {
        // Row 1 column e is empty. b0 is numerically closer to ae than a71, but shares no digit with it.
        Assert.Null(_table.Get(1, 0xe));
        Assert.Equal(Id("a71"), Next("ae")!.Id);
        Assert.Equal(Id("a5"), Next("a6")!.Id);

        // Row 0 column 6 is empty: any node that is closer than self qualifies; the closest wins.
        Assert.Null(_table.Get(0, 0x6));
        Assert.Equal(Id("51"), Next("6")!.Id);
        Assert.Equal(Id("7f"), Next("78")!.Id);
    }

    [Fact]
    public void Unusable_nodes_are_never_chosen()
    {
        bool Not(string id, NodeHandle n) => n.Id != Id(id);

        Assert.Equal(Id("a33"), Next("a321", n => Not("a32", n) && Not("a31", n))!.Id);
        Assert.Null(Next("a30c", n => Not("a31", n)));                  // self is the closest usable node
        Assert.Equal(Id("a5"), Next("a7", n => Not("a71", n))!.Id);      // table entry unusable: rare case
        Assert.Equal(Id("7f"), Next("5", n => Not("51", n))!.Id);
        Assert.Null(Next("5", _ => false));
    }

    [Fact]
    public void Every_hop_chosen_is_closer_to_the_key_or_shares_a_longer_prefix()
    {
        var random = new Random(5);
        for (var i = 0; i < 2000; i++)
        {
            var key = RingId.Random(random);
            if (Next(key.ToString()) is not { } next) continue;
            var selfPrefix = RingId.SharedPrefixDigits(key, Id("a3"), 4);
            var nextPrefix = RingId.SharedPrefixDigits(key, next.Id, 4);
            Assert.True(nextPrefix > selfPrefix || RingId.IsCloser(key, next.Id, Id("a3")),
                $"{next} makes no progress towards {key}");
        }
    }
}
