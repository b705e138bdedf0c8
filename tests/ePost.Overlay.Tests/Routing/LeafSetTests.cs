using ePost.Core.Ids;
using ePost.Overlay.Routing;
using static ePost.Overlay.Tests.Support.Ids;

namespace ePost.Overlay.Tests.Routing;

public sealed class LeafSetTests
{
    private static LeafSet WithMembers(string self, int size, params string[] members)
    {
        var leafSet = new LeafSet(Handle(self), size);
        foreach (var m in members) leafSet.Offer(Handle(m));
        return leafSet;
    }

    private static string[] Hex(IEnumerable<NodeHandle> side) => side.Select(n => n.Id.ToString()[..2]).ToArray();

    [Fact]
    public void Each_side_is_kept_sorted_nearest_first_whatever_the_order_of_offers()
    {
        var leafSet = WithMembers("80", 8, "84", "7c", "81", "7e", "83", "7f", "82", "7d");

        Assert.Equal(["81", "82", "83", "84"], Hex(leafSet.Clockwise));
        Assert.Equal(["7f", "7e", "7d", "7c"], Hex(leafSet.CounterClockwise));
        Assert.Equal("81", Hex([leafSet.Successor!])[0]);
        Assert.Equal("7f", Hex([leafSet.Predecessor!])[0]);
    }

    [Fact]
    public void Each_side_holds_at_most_half_the_leaf_set_size()
    {
        var leafSet = WithMembers("80", 8, "81", "82", "83", "84", "85", "86", "7f", "7e", "7d", "7c", "7b", "7a");

        Assert.Equal(["81", "82", "83", "84"], Hex(leafSet.Clockwise));
        Assert.Equal(["7f", "7e", "7d", "7c"], Hex(leafSet.CounterClockwise));
        Assert.Equal(8, leafSet.Count);
    }

    [Fact]
    public void A_nearer_node_evicts_the_farthest_member_of_a_full_side()
    {
        var leafSet = WithMembers("80", 8, "81", "82", "83", "84", "7f", "7e", "7d", "7c");

        Assert.True(leafSet.Offer(Handle("808")));

        Assert.Equal(["80", "81", "82", "83"], Hex(leafSet.Clockwise));
        Assert.Equal(Id("808"), leafSet.Successor!.Id);
        Assert.False(leafSet.Contains(Id("84")));
        Assert.Equal(["7f", "7e", "7d", "7c"], Hex(leafSet.CounterClockwise));
    }

    [Fact]
    public void A_node_farther_than_every_member_of_full_sides_is_refused()
    {
        var leafSet = WithMembers("80", 8, "81", "82", "83", "84", "7f", "7e", "7d", "7c");

        Assert.False(leafSet.WouldAccept(Handle("90")));
        Assert.False(leafSet.Offer(Handle("90")));

        Assert.False(leafSet.Contains(Id("90")));
        Assert.Equal(8, leafSet.Count);
    }

    [Fact]
    public void In_a_small_ring_every_node_sits_on_both_sides_and_counts_once()
    {
        var leafSet = WithMembers("80", 8, "a0", "20", "f0");

        Assert.Equal(["a0", "f0", "20"], Hex(leafSet.Clockwise));
        Assert.Equal(["20", "f0", "a0"], Hex(leafSet.CounterClockwise));
        Assert.Equal(3, leafSet.Count);
        Assert.Equal(3, leafSet.Members.Count());
        Assert.Equal(leafSet.Members.Select(m => m.Id).Distinct().Count(), leafSet.Members.Count());
    }

    [Fact]
    public void Own_id_is_never_a_member()
    {
        var leafSet = new LeafSet(Handle("80"), 8);

        Assert.False(leafSet.WouldAccept(Handle("80")));
        Assert.False(leafSet.Offer(Handle("80")));
        Assert.False(leafSet.Offer(new NodeHandle(Id("80"), "fake:other", 5)));
        Assert.True(leafSet.IsEmpty);
    }

    [Fact]
    public void Covers_keys_between_the_farthest_members_of_each_side_and_nothing_beyond()
    {
        var leafSet = WithMembers("80", 8, "81", "82", "83", "84", "7f", "7e", "7d", "7c");

        Assert.False(leafSet.SpansWholeRing);
        Assert.True(leafSet.Covers(Id("80")));
        Assert.True(leafSet.Covers(Id("7c")));
        Assert.True(leafSet.Covers(Id("84")));
        Assert.True(leafSet.Covers(Id("838")));
        Assert.False(leafSet.Covers(Id("848")));
        Assert.False(leafSet.Covers(Id("7b8")));
        Assert.False(leafSet.Covers(Id("00")));
    }

    [Fact]
    public void Covers_an_arc_that_wraps_around_zero()
    {
        var leafSet = WithMembers("01", 8, "02", "03", "04", "05", "00", "ff", "fe", "fd");

        Assert.True(leafSet.Covers(Id("fd8")));
        Assert.True(leafSet.Covers(Id("ff8")));
        Assert.True(leafSet.Covers(RingId.Zero));
        Assert.True(leafSet.Covers(RingId.Max));
        Assert.True(leafSet.Covers(Id("048")));
        Assert.False(leafSet.Covers(Id("058")));
        Assert.False(leafSet.Covers(Id("fc8")));
        Assert.False(leafSet.Covers(Id("80")));
    }

    [Fact]
    public void A_side_that_is_not_full_means_the_whole_ring_is_known()
    {
        var leafSet = WithMembers("80", 8, "81", "82", "83");

        Assert.True(leafSet.SpansWholeRing);
        Assert.True(leafSet.Covers(Id("00")));
        Assert.True(leafSet.Covers(Id("c0")));
    }

    [Fact]
    public void Full_sides_that_overlap_still_span_the_whole_ring()
    {
        // Four nodes, L = 4: both sides are full, and c0 is on both of them; there is no one else in the ring.
        var leafSet = WithMembers("80", 4, "a0", "c0", "e0");

        Assert.Equal(["a0", "c0"], Hex(leafSet.Clockwise));
        Assert.Equal(["e0", "c0"], Hex(leafSet.CounterClockwise));
        Assert.True(leafSet.SpansWholeRing);
        Assert.True(leafSet.Covers(Id("90")));
        Assert.True(leafSet.Covers(Id("f0")));
        Assert.Equal(Id("a0"), leafSet.Closest(Id("98")).Id);
    }

    [Fact]
    public void Closest_is_the_numerically_closest_member_or_self()
    {
        var leafSet = WithMembers("80", 8, "90", "a0", "70", "60");

        Assert.Equal(Id("90"), leafSet.Closest(Id("91")).Id);
        Assert.Equal(Id("60"), leafSet.Closest(Id("08")).Id);
        Assert.Equal(Id("80"), leafSet.Closest(Id("81")).Id);
        Assert.Equal(Id("80"), leafSet.Closest(Id("80")).Id);
    }

    [Theory]
    [InlineData("20", "10", "30")] // plain tie: 10 is counter-clockwise of the key
    [InlineData("00", "f0", "10")] // tie across zero: f0 is counter-clockwise of the key
    [InlineData("88", "80", "90")] // tie between self and a member: self is counter-clockwise
    public void An_exact_tie_goes_to_the_member_counter_clockwise_of_the_key(string key, string counterClockwise, string clockwise)
    {
        var leafSet = WithMembers("80", 8, "10", "30", "f0", "90");

        Assert.Equal(RingId.Distance(Id(key), Id(counterClockwise)), RingId.Distance(Id(key), Id(clockwise)));
        Assert.Equal(Id(counterClockwise), leafSet.Closest(Id(key)).Id);
        Assert.True(RingId.CompareCloseness(Id(key), Id(counterClockwise), Id(clockwise)) < 0);
    }

    [Fact]
    public void Closest_skips_members_that_are_not_usable()
    {
        var leafSet = WithMembers("80", 8, "90", "a0");

        Assert.Equal(Id("a0"), leafSet.Closest(Id("91"), n => n.Id != Id("90")).Id);
        Assert.Equal(Id("80"), leafSet.Closest(Id("91"), _ => false).Id);
    }

    [Fact]
    public void A_later_epoch_replaces_a_member_and_an_earlier_one_is_ignored()
    {
        var leafSet = WithMembers("80", 8, "90", "a0");

        Assert.True(leafSet.WouldAccept(Handle("90", epoch: 2)));
        Assert.True(leafSet.Offer(Handle("90", epoch: 2)));
        Assert.Equal(2, leafSet.Get(Id("90"))!.Epoch);
        Assert.All(leafSet.Clockwise.Concat(leafSet.CounterClockwise).Where(n => n.Id == Id("90")), n => Assert.Equal(2, n.Epoch));

        Assert.False(leafSet.WouldAccept(Handle("90", epoch: 1)));
        Assert.False(leafSet.Offer(Handle("90", epoch: 1)));
        Assert.False(leafSet.Offer(Handle("90", epoch: 2)));
        Assert.Equal(2, leafSet.Get(Id("90"))!.Epoch);
        Assert.Equal(2, leafSet.Count);
    }

    [Fact]
    public void The_same_epoch_at_a_new_address_is_a_new_incarnation()
    {
        var leafSet = WithMembers("80", 8, "90");

        Assert.True(leafSet.Offer(new NodeHandle(Id("90"), "fake:moved", 1)));
        Assert.Equal("fake:moved", leafSet.Get(Id("90"))!.Address);
    }

    [Fact]
    public void Remove_takes_a_member_off_both_sides_and_reports_whether_it_was_there()
    {
        var leafSet = WithMembers("80", 8, "90", "a0", "70");

        Assert.True(leafSet.Remove(Id("a0")));
        Assert.False(leafSet.Contains(Id("a0")));
        Assert.DoesNotContain(leafSet.Clockwise.Concat(leafSet.CounterClockwise), n => n.Id == Id("a0"));
        Assert.False(leafSet.Remove(Id("a0")));
        Assert.False(leafSet.Remove(Id("55")));
        Assert.Equal(2, leafSet.Count);
    }

    [Fact]
    public void A_removed_member_makes_room_for_the_next_nearest_node()
    {
        var leafSet = WithMembers("80", 8, "81", "82", "83", "84", "7f", "7e", "7d", "7c");
        Assert.False(leafSet.WouldAccept(Handle("85")));

        leafSet.Remove(Id("82"));

        Assert.True(leafSet.WouldAccept(Handle("85")));
        Assert.True(leafSet.Offer(Handle("85")));
        Assert.Equal(["81", "83", "84", "85"], Hex(leafSet.Clockwise));
    }

    [Fact]
    public void A_member_evicted_from_one_side_returns_to_it_when_that_side_has_room_again()
    {
        // L = 4 in a ring of four: a0 is pushed off the counter-clockwise side by e0 but stays clockwise.
        var leafSet = WithMembers("80", 4, "c0", "a0", "e0");
        Assert.Equal(["e0", "c0"], Hex(leafSet.CounterClockwise));

        leafSet.Remove(Id("e0"));

        Assert.True(leafSet.WouldAccept(Handle("a0")));
        Assert.True(leafSet.Offer(Handle("a0")));
        Assert.Equal(["c0", "a0"], Hex(leafSet.CounterClockwise));
        Assert.Equal(["a0", "c0"], Hex(leafSet.Clockwise));
    }

    [Fact]
    public void Would_accept_predicts_offer_exactly()
    {
        var random = new Random(11);
        var ids = RandomIds(60, seed: 12);
        var leafSet = new LeafSet(Handle(ids[0]), 8);
        for (var step = 0; step < 2000; step++)
        {
            var id = ids[random.Next(ids.Length)];
            if (random.Next(10) == 0)
            {
                leafSet.Remove(id);
                continue;
            }
            var candidate = Handle(id, epoch: random.Next(1, 4));
            var predicted = leafSet.WouldAccept(candidate);
            Assert.Equal(predicted, leafSet.Offer(candidate));
        }
    }

    [Fact]
    public void Size_must_be_even_and_at_least_two()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LeafSet(Handle("80"), 7));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LeafSet(Handle("80"), 0));
    }
}
