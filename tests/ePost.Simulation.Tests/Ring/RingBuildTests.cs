using ePost.Overlay;

namespace ePost.Simulation.Tests.Ring;

public sealed class RingBuildTests
{
    [Fact]
    public void A_ring_of_300_built_by_joins_has_correct_leaf_sets_and_routes_every_lookup_to_the_true_root()
    {
        var ring = RingBuilder.Grow(300, seed: 1);

        Assert.True(ring.Converge(TimeSpan.FromMinutes(5)), $"{ring.CountWrongLeafSets()} leaf sets still wrong");
        var outcomes = ring.RunLookups(5000, seed: 2);

        Assert.Equal(5000, outcomes.Count);
        Assert.All(outcomes, o => Assert.True(o.Correct, $"lookup of {o.Key} ended at {o.ReachedRoot}, not {o.TrueRoot}"));
        Assert.True(outcomes.Average(o => o.Hops) <= RingBuilder.LogHops(300, OverlaySettings.Default.DigitBits) + 0.5,
            $"mean hops {outcomes.Average(o => o.Hops):F2}");
    }
}
