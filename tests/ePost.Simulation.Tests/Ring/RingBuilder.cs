using ePost.Core.Ids;
using ePost.Overlay;
using ePost.Simulation.Ring;

namespace ePost.Simulation.Tests.Ring;

/// <summary>Builds simulated rings the way real ones grow: one join at a time through a random ready member.</summary>
internal static class RingBuilder
{
    /// <summary>A ring of <paramref name="nodes"/> nodes joined <paramref name="spacing"/> apart (default 50 ms), not yet converged.</summary>
    /// <param name="configure">Runs on each node before it starts (to set its clock, say).</param>
    public static SimulatedRing Grow(int nodes, int seed, OverlaySettings? settings = null, TimeSpan? spacing = null, Action<SimulatedNode>? configure = null)
    {
        var ring = new SimulatedRing(settings ?? OverlaySettings.Default, seed);
        var first = ring.AddNode();
        configure?.Invoke(first);
        ring.Start(first, bootstrap: null);
        for (var i = 1; i < nodes; i++)
        {
            ring.Clock.RunFor(spacing ?? TimeSpan.FromMilliseconds(50));
            var node = ring.AddNode();
            configure?.Invoke(node);
            ring.Start(node, ring.RandomReadyNode());
        }
        return ring;
    }

    /// <summary>Runs the ring until every live node is ready with a correct leaf set, or the limit passes.</summary>
    public static bool Converge(this SimulatedRing ring, TimeSpan limit) =>
        ring.Clock.RunUntil(() => ring.LiveNodes.All(n => n.Engine.IsReady) && ring.CountWrongLeafSets() == 0,
            step: TimeSpan.FromSeconds(1), limit: limit);

    /// <summary>Sends <paramref name="count"/> lookups of random keys from random live nodes, 1 ms apart, and waits for the answers.</summary>
    public static List<LookupOutcome> RunLookups(this SimulatedRing ring, int count, int seed)
    {
        var random = new Random(seed);
        var live = ring.LiveNodes.ToList();
        var first = ring.CompletedLookups.Count;
        for (var i = 0; i < count; i++)
        {
            ring.Lookup(live[random.Next(live.Count)], RingId.Random(random));
            ring.Clock.RunFor(TimeSpan.FromMilliseconds(1));
        }
        ring.Clock.RunUntil(() => ring.OutstandingLookups == 0, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(2));
        return ring.CompletedLookups.Skip(first).ToList();
    }

    /// <summary>ceil(log_{2^b} n): the number of hops Pastry promises.</summary>
    public static int LogHops(int nodes, int digitBits) => (int)Math.Ceiling(Math.Log(nodes) / Math.Log(1 << digitBits));
}
