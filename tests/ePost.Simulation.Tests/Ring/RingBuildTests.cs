using ePost.Overlay;
using Xunit.Abstractions;

namespace ePost.Simulation.Tests.Ring;

public sealed class RingBuildTests(ITestOutputHelper output)
{
    [Fact]
    public void A_ring_of_300_built_by_joins_has_correct_leaf_sets_and_routes_every_lookup_to_the_true_root()
    {
        var ring = RingBuilder.Grow(300, seed: 1);

        Assert.True(ring.Converge(TimeSpan.FromMinutes(5)), $"{ring.CountWrongLeafSets()} leaf sets still wrong");
        var converged = ring.Clock.Now;
        var outcomes = ring.RunLookups(5000, seed: 2);
        output.WriteLine($"300 nodes: leaf sets correct at {converged.TotalSeconds:F1} s virtual; 5000 lookups: mean hops {outcomes.Average(o => o.Hops):F3}, max {outcomes.Max(o => o.Hops)}, mean latency {outcomes.Average(o => o.Latency.TotalMilliseconds):F1} ms virtual");

        Assert.Equal(5000, outcomes.Count);
        Assert.All(outcomes, o => Assert.True(o.Correct, $"lookup of {o.Key} ended at {o.ReachedRoot}, not {o.TrueRoot}"));
        Assert.True(outcomes.Average(o => o.Hops) <= RingBuilder.LogHops(300, OverlaySettings.Default.DigitBits) + 0.5,
            $"mean hops {outcomes.Average(o => o.Hops):F2}");
    }
}
