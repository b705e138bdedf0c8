using ePost.Overlay.Node;
using ePost.Simulation.Ring;
using Xunit.Abstractions;

namespace ePost.Simulation.Tests.Ring;

public sealed class RingFailureTests(ITestOutputHelper output)
{
    [Fact]
    public void After_a_tenth_of_the_ring_crashes_at_once_leaf_sets_and_lookups_are_correct_again_within_twice_the_worst_case_detection_plus_a_minute()
    {
        var ring = RingBuilder.Grow(300, seed: 3);
        Assert.True(ring.Converge(TimeSpan.FromMinutes(5)));
        var random = new Random(3);
        var victims = ring.LiveNodes.OrderBy(_ => random.Next()).Take(30).ToList();
        // Every survivor that holds a victim in its leaf set must declare it dead itself (crashed nodes sit in each
        // other's leaf sets too, so this is fewer than 30 x leaf-set-size pairs).
        var holders = ring.LiveNodes.Except(victims)
            .SelectMany(n => victims.Where(v => n.Engine.LeafSet.Contains(v.Id)).Select(v => (Holder: n.Id, Victim: v.Id)))
            .ToHashSet();
        var declared = new HashSet<(ePost.Core.Ids.RingId Holder, ePost.Core.Ids.RingId Victim)>();
        var deaths = 0;
        ring.Events = (n, e) =>
        {
            if (e is not NodeDeclaredDead d) return;
            deaths++;
            declared.Add((n.Id, d.Node.Id));
        };

        foreach (var victim in victims) ring.Crash(victim);
        var crashedAt = ring.Clock.Now;
        var budget = ring.Settings.WorstCaseDetection * 2 + TimeSpan.FromMinutes(1);

        Assert.True(ring.Converge(budget), $"{ring.CountWrongLeafSets()} leaf sets still wrong after {budget}");
        output.WriteLine($"leaf sets correct {(ring.Clock.Now - crashedAt).TotalSeconds:F0} s (virtual) after the crash; budget {budget.TotalSeconds} s; {deaths} deaths declared");
        ring.Clock.RunUntil(crashedAt + budget);
        Assert.Equal(0, ring.CountWrongLeafSets());
        Assert.Equal(270, ring.LiveNodes.Count());
        Assert.True(holders.Count > 20 * ring.Settings.LeafSetSize, $"only {holders.Count} leaf-set holders of the victims");
        Assert.Subset(declared, holders);

        // Routing tables still name crashed nodes (they are repaired lazily), but each such entry has now been
        // quiet for longer than route-probe-idle, so a message is held until the entry answers and rerouted if not.
        var outcomes = ring.RunLookups(2000, seed: 13);
        Assert.Equal(2000, outcomes.Count);
        Assert.All(outcomes, o => Assert.True(o.Correct, $"lookup of {o.Key} ended at {o.ReachedRoot}, not {o.TrueRoot}"));
    }

    [Fact]
    public void A_crashed_node_is_declared_dead_by_each_of_its_leaf_set_members()
    {
        var ring = RingBuilder.Grow(60, seed: 5);
        Assert.True(ring.Converge(TimeSpan.FromMinutes(5)));
        var victim = ring.Nodes[17];
        var holders = ring.LiveNodes.Where(n => n.Engine.LeafSet.Contains(victim.Id)).ToList();
        var declaredBy = new HashSet<SimulatedNode>();
        ring.Events = (node, e) =>
        {
            if (e is NodeDeclaredDead d && d.Node.Id == victim.Id) declaredBy.Add(node);
        };

        ring.Crash(victim);
        ring.Clock.RunFor(ring.Settings.WorstCaseDetection * 2 + TimeSpan.FromMinutes(1));

        Assert.Equal(24, holders.Count);
        Assert.Subset(declaredBy, holders.ToHashSet());
        Assert.All(ring.LiveNodes, n => Assert.False(n.Engine.LeafSet.Contains(victim.Id)));
        Assert.Equal(0, ring.CountWrongLeafSets());
    }
}
