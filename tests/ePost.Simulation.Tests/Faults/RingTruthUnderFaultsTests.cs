using ePost.Core.Ids;
using ePost.Simulation.Faults;
using ePost.Simulation.Ring;
using ePost.Simulation.Scenarios;
using ePost.Simulation.Tests.Ring;

namespace ePost.Simulation.Tests.Faults;

public sealed class RingTruthUnderFaultsTests
{
    [Fact]
    public void During_a_partition_the_true_root_and_leaf_sets_are_those_of_the_origins_side()
    {
        var ring = RingBuilder.Grow(30, seed: 2);
        Assert.True(ring.Converge(TimeSpan.FromMinutes(2)));
        var minority = ring.Nodes.Take(10).ToList();
        var random = new Random(2);

        ring.Partition(minority);

        // Right after the split every leaf set still spans both sides, so each is wrong for its own side.
        Assert.Equal(30, ring.CountWrongLeafSets());
        for (var i = 0; i < 200; i++)
        {
            var key = RingId.Random(random);
            Assert.Contains(ring.TrueRoot(key, minority[0]), minority.Select(n => n.Id));
            Assert.DoesNotContain(ring.TrueRoot(key, ring.Nodes[20]), minority.Select(n => n.Id));
        }
        ring.Heal();
        Assert.Equal(0, ring.CountWrongLeafSets());
    }

    [Fact]
    public void A_paused_node_is_out_of_the_truth_until_it_resumes()
    {
        var ring = RingBuilder.Grow(20, seed: 3);
        Assert.True(ring.Converge(TimeSpan.FromMinutes(2)));
        var sleeper = ring.Nodes[4];
        var owned = ring.RandomKeyOwnedBy(sleeper, new Random(1));

        ring.Pause(sleeper);
        Assert.NotEqual(sleeper.Id, ring.TrueRoot(owned));
        ring.Resume(sleeper);
        Assert.Equal(sleeper.Id, ring.TrueRoot(owned));
    }

    [Fact]
    public void Keys_drawn_for_a_node_are_owned_by_that_node()
    {
        var ring = RingBuilder.Grow(50, seed: 6);
        var random = new Random(6);

        foreach (var node in ring.Nodes)
            for (var i = 0; i < 20; i++)
                Assert.Equal(node.Id, ring.TrueRoot(ring.RandomKeyOwnedBy(node, random)));
    }

    [Fact]
    public void Traffic_is_split_into_maintenance_and_application_messages_and_survives_a_restart()
    {
        var ring = RingBuilder.Grow(20, seed: 7);
        Assert.True(ring.Converge(TimeSpan.FromMinutes(2)));
        var before = ring.Traffic;
        ring.RunLookups(100, seed: 7);
        var after = ring.Traffic;

        Assert.True(before.MaintenanceSent > 0);
        Assert.InRange(after.ApplicationSent - before.ApplicationSent, 100, 1000);
        ring.Crash(ring.Nodes[3]);
        ring.Restart(ring.Nodes[3], ring.Nodes[0]);
        Assert.True(ring.Traffic.Sent >= after.Sent, "a restart does not forget the old incarnation's messages");
    }

    [Fact]
    public void Churn_keeps_the_population_constant_while_nodes_fail_and_join()
    {
        var ring = RingBuilder.Grow(20, seed: 9);
        Assert.True(ring.Converge(TimeSpan.FromMinutes(2)));
        var churn = new ChurnDriver(ring, TimeSpan.FromMinutes(3), new Random(9));

        churn.Start();
        ring.Clock.RunFor(TimeSpan.FromMinutes(6));
        churn.Stop();

        // Expected failures in 6 minutes at a 3-minute median: 20 * 6 / (3 / ln 2) = about 28.
        Assert.InRange(churn.Failures, 12, 45);
        Assert.Equal(churn.Failures, churn.Joins);
        Assert.Equal(20, ring.LiveNodes.Count());
        Assert.Equal(20 + churn.Joins, ring.Nodes.Count);
    }

    [Fact]
    public void The_same_seed_gives_the_same_run_with_every_fault_on()
    {
        Assert.Equal(Run(5), Run(5));
        Assert.NotEqual(Run(5), Run(6));
    }

    private static string Run(int seed)
    {
        var ring = RingBuilder.Grow(25, seed);
        ring.Converge(TimeSpan.FromMinutes(1));
        ring.Network.Faults.LossProbability = 0.02;
        ring.Network.Faults.LatencySpread = 1;
        ring.BlockBothWays(ring.Nodes[1], ring.Nodes[2]);
        ring.BlockOneWay(ring.Nodes[3], ring.Nodes[4]);
        ring.Pause(ring.Nodes[5]);
        ring.Crash(ring.Nodes[6]);
        ring.Partition(ring.Nodes.Skip(18));
        var churn = new ChurnDriver(ring, TimeSpan.FromMinutes(3), new Random(seed));
        churn.Start();
        var stats = new LookupRun(ring).RunToEnd(100, TimeSpan.FromMilliseconds(100), () => (ring.RandomReadyNode(), RingId.Random(new Random(ring.Network.MessagesSent.GetHashCode()))), TimeSpan.FromMinutes(1));
        ring.Heal();
        ring.Resume(ring.Nodes[5]);
        ring.Restart(ring.Nodes[6], ring.RandomReadyNode());
        ring.Clock.RunFor(TimeSpan.FromMinutes(1));
        return $"{stats} {ring.Network.MessagesSent} {ring.Network.MessagesDropped} {ring.Network.MessagesBlocked} {ring.Clock.Executed} {churn.Failures} {ring.CountWrongLeafSets()}";
    }
}
