using ePost.Core.Ids;
using ePost.Overlay;
using ePost.Simulation.Ring;

namespace ePost.Simulation.Tests.Ring;

/// <summary>Rings smaller than the leaf set: every node sees the whole ring, often on both sides.</summary>
public sealed class SmallRingTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(13)]  // exactly L/2 others
    [InlineData(20)]  // sides full and overlapping
    [InlineData(25)]  // exactly L others
    public void A_small_ring_converges_and_routes_every_key_to_its_true_root(int nodes)
    {
        var ring = RingBuilder.Grow(nodes, seed: 100 + nodes);

        Assert.True(ring.Converge(TimeSpan.FromMinutes(2)), $"{ring.CountWrongLeafSets()} leaf sets wrong");
        foreach (var node in ring.LiveNodes)
            Assert.Equal(Math.Min(nodes - 1, ring.Settings.LeafSetSize), node.Engine.LeafSet.Count);
        var outcomes = ring.RunLookups(500, seed: nodes);
        Assert.Equal(500, outcomes.Count);
        Assert.All(outcomes, o => Assert.True(o.Correct));
    }

    [Fact]
    public void In_a_ring_of_two_each_node_is_the_other_one_s_neighbour_on_both_sides()
    {
        var ring = RingBuilder.Grow(2, seed: 7);
        Assert.True(ring.Converge(TimeSpan.FromMinutes(1)));
        var (a, b) = (ring.Nodes[0], ring.Nodes[1]);

        Assert.Equal([b.Handle], a.Engine.LeafSet.Clockwise);
        Assert.Equal([b.Handle], a.Engine.LeafSet.CounterClockwise);
        Assert.Equal([a.Handle], b.Engine.LeafSet.Clockwise);
        Assert.Equal([a.Handle], b.Engine.LeafSet.CounterClockwise);
    }

    [Fact]
    public void A_single_node_owns_every_key()
    {
        var ring = RingBuilder.Grow(1, seed: 8);

        var outcomes = ring.RunLookups(50, seed: 9);

        Assert.Equal(50, outcomes.Count);
        Assert.All(outcomes, o => Assert.Equal((ring.Nodes[0].Id, 0), (o.ReachedRoot, o.Hops)));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(20)]
    public void A_small_ring_recovers_its_leaf_sets_after_a_crash(int nodes)
    {
        var ring = RingBuilder.Grow(nodes, seed: 200 + nodes);
        Assert.True(ring.Converge(TimeSpan.FromMinutes(2)));

        ring.Crash(ring.Nodes[1]);

        Assert.True(ring.Converge(ring.Settings.WorstCaseDetection * 2 + TimeSpan.FromMinutes(1)),
            $"{ring.CountWrongLeafSets()} leaf sets wrong");
        Assert.All(ring.RunLookups(300, seed: 3), o => Assert.True(o.Correct));
    }

    [Fact]
    public void A_ring_of_two_where_one_crashes_leaves_the_survivor_owning_every_key()
    {
        var ring = RingBuilder.Grow(2, seed: 9);
        Assert.True(ring.Converge(TimeSpan.FromMinutes(1)));

        ring.Crash(ring.Nodes[1]);
        ring.Clock.RunFor(ring.Settings.WorstCaseDetection * 2);

        Assert.True(ring.Nodes[0].Engine.LeafSet.IsEmpty);
        Assert.Equal(0, ring.CountWrongLeafSets());
        Assert.All(ring.RunLookups(50, seed: 4), o => Assert.Equal(ring.Nodes[0].Id, o.ReachedRoot));
    }

    [Fact]
    public void A_node_can_join_with_the_id_right_next_to_its_bootstrap()
    {
        var ring = new SimulatedRing(OverlaySettings.Default, seed: 10);
        var first = ring.AddNode(RingId.Zero);
        ring.Start(first, null);
        ring.Start(ring.AddNode(RingId.Max), first);

        Assert.True(ring.Converge(TimeSpan.FromMinutes(1)));
        Assert.All(ring.RunLookups(100, seed: 5), o => Assert.True(o.Correct));
    }
}
