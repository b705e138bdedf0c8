using ePost.Simulation.Scenarios;
using ePost.Simulation.Tests.Ring;
using Xunit.Abstractions;

namespace ePost.Simulation.Tests.Faults;

/// <summary>Issue 3's "must show" scenarios on the simulator. Those the engine cannot meet yet are skipped with the missing feature named.</summary>
public sealed class RingUnderFaultsSpecifications(ITestOutputHelper output)
{
    [Fact]
    public void With_one_link_blocked_both_ways_in_a_50_node_ring_no_node_declares_an_end_dead_and_10000_lookups_across_it_all_reach_the_true_root()
    {
        var ring = RingBuilder.Grow(50, seed: 1);
        Assert.True(ring.Converge(TimeSpan.FromMinutes(2)));

        var result = IntransitiveScenario.Run(ring, pairs: 1, lookups: 10_000, new Random(1));

        output.WriteLine(result.ToString());
        Assert.Equal(0, result.PairDeathDeclarations);
        Assert.Equal(10_000, result.Lookups.Correct);
        Assert.Equal(0, result.Lookups.WrongRoot);
    }

    [Fact]
    public void A_200_node_ring_split_70_30_for_30_minutes_routes_within_each_side_and_is_one_ring_again_within_10_minutes()
    {
        var ring = RingBuilder.Grow(200, seed: 1);
        Assert.True(ring.Converge(TimeSpan.FromMinutes(2)));

        var result = PartitionScenario.Run(ring, 0.3, TimeSpan.FromMinutes(30), lookups: 1000, healLimit: TimeSpan.FromMinutes(10), new Random(1));

        output.WriteLine(result.ToString());
        Assert.Equal((60, 140), (result.MinoritySize, result.MajoritySize));
        Assert.Equal(1.0, result.MinorityLookups.DeliveredToRootFraction);
        Assert.Equal(1.0, result.MajorityLookups.DeliveredToRootFraction);
        Assert.True(result.Healed, $"{result.WrongLeafSetsAtEnd} leaf sets still wrong 10 minutes after the heal");
        Assert.Equal(1.0, result.AfterHeal.DeliveredToRootFraction);
    }

    [Fact]
    public void In_a_500_node_ring_churning_at_a_30_minute_median_session_for_2_hours_at_least_99_9_percent_of_lookups_reach_the_live_root()
    {
        var ring = RingBuilder.Grow(500, seed: 1);
        Assert.True(ring.Converge(TimeSpan.FromMinutes(2)));

        var result = ChurnScenario.Run(ring, TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), lookups: 10_000, new Random(1));

        output.WriteLine(result.ToString());
        Assert.True(result.Lookups.DeliveredToRootFraction >= 0.999, $"only {result.Lookups.DeliveredToRootFraction:P3} reached the live root");
    }

    [Fact]
    public void In_a_150_node_ring_churning_at_a_30_minute_median_session_for_40_minutes_at_least_99_9_percent_of_lookups_reach_the_live_root()
    {
        var ring = RingBuilder.Grow(150, seed: 2);
        Assert.True(ring.Converge(TimeSpan.FromMinutes(2)));

        var result = ChurnScenario.Run(ring, TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(40), lookups: 4_000, new Random(2));

        output.WriteLine(result.ToString());
        Assert.True(result.Lookups.DeliveredToRootFraction >= 0.999, $"only {result.Lookups.DeliveredToRootFraction:P3} reached the live root");
    }
}
