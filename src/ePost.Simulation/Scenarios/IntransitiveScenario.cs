using ePost.Core.Ids;
using ePost.Overlay.Node;
using ePost.Simulation.Ring;

namespace ePost.Simulation.Scenarios;

/// <summary>What happened when K node pairs lost their direct link while both ends still reached everyone else.</summary>
/// <param name="Pairs">The blocked pairs.</param>
/// <param name="Lookups">Lookups from one end of a pair for keys the other end owns.</param>
/// <param name="PairDeathDeclarations">How often any node declared a pair member dead after the block.</param>
/// <param name="WrongLeafSets">Leaf sets that differ from the truth at the end (the pair members are alive, so they belong).</param>
/// <param name="MaintenanceMsgsPerNodeSecond">Maintenance traffic during the scenario.</param>
public sealed record IntransitiveResult(
    IReadOnlyList<(RingId A, RingId B)> Pairs, LookupStats Lookups, int PairDeathDeclarations, int WrongLeafSets,
    double MaintenanceMsgsPerNodeSecond);

/// <summary>Issue 3's intransitive-link scenario: block A&lt;-&gt;B only, let liveness react, then look up A's keys from B (and B's from A).</summary>
public static class IntransitiveScenario
{
    /// <summary>Runs the scenario on a converged ring.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When there are fewer than two active nodes or more pairs than nodes.</exception>
    public static IntransitiveResult Run(SimulatedRing ring, int pairs, int lookups, Random random)
    {
        var active = ring.ActiveNodes.ToList();
        if (active.Count < 2 || pairs < 1 || pairs > active.Count)
            throw new ArgumentOutOfRangeException(nameof(pairs), pairs, $"Need 1..{active.Count} pairs and at least two nodes.");
        var chosen = new List<(SimulatedNode A, SimulatedNode B)>();
        var seen = new HashSet<(int, int)>();
        while (chosen.Count < pairs)
        {
            int a = random.Next(active.Count), b = random.Next(active.Count);
            if (a == b || !seen.Add((Math.Min(a, b), Math.Max(a, b)))) continue;
            chosen.Add((active[a], active[b]));
        }
        var members = chosen.SelectMany(p => new[] { p.A.Id, p.B.Id }).ToHashSet();
        var deaths = 0;
        var previous = ring.Events;
        ring.Events = (node, e) =>
        {
            previous?.Invoke(node, e);
            if (e is NodeDeclaredDead d && members.Contains(d.Node.Id)) deaths++;
        };
        var phase = new FaultPhase(ring);
        try
        {
            foreach (var (a, b) in chosen) ring.BlockBothWays(a, b);
            // Give liveness every chance to (wrongly) declare a pair member dead before measuring routing.
            ring.Clock.RunFor(ring.Settings.WorstCaseDetection * 2 + TimeSpan.FromMinutes(1));
            var next = 0;
            var stats = new LookupRun(ring).RunToEnd(lookups, TimeSpan.FromMilliseconds(1), () =>
            {
                var (a, b) = chosen[next % chosen.Count];
                var fromB = next++ / chosen.Count % 2 == 0;
                var (from, owner) = fromB ? (b, a) : (a, b);
                return (from, ring.RandomKeyOwnedBy(owner, random));
            }, TimeSpan.FromMinutes(2));
            return new IntransitiveResult(chosen.Select(p => (p.A.Id, p.B.Id)).ToList(), stats, deaths,
                ring.CountWrongLeafSets(), phase.MaintenancePerNodeSecond());
        }
        finally
        {
            ring.Events = previous;
        }
    }
}
