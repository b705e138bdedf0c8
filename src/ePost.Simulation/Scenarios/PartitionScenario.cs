using ePost.Core.Ids;
using ePost.Simulation.Ring;

namespace ePost.Simulation.Scenarios;

/// <summary>What happened when a fraction of the ring was cut off for a while and then reconnected.</summary>
/// <param name="MinoritySize">Nodes cut off (partition group 1).</param>
/// <param name="MajoritySize">The rest (group 0).</param>
/// <param name="SplitSeconds">Virtual seconds the partition lasted.</param>
/// <param name="SplitConvergeSeconds">Seconds after the split until every leaf set matched its own side; null if not within half the split.</param>
/// <param name="MinorityLookups">Lookups from minority nodes during the split, judged against the minority's truth.</param>
/// <param name="MajorityLookups">Lookups from majority nodes during the split, judged against the majority's truth.</param>
/// <param name="Healed">True when every leaf set matched the whole ring within the heal limit.</param>
/// <param name="HealSeconds">Seconds from the end of the partition until every leaf set was correct; null when not healed.</param>
/// <param name="WrongLeafSetsAtEnd">Leaf sets still wrong when the scenario stopped waiting.</param>
/// <param name="AfterHeal">Lookups after the heal (or after the heal limit), judged against the whole ring.</param>
/// <param name="MaintenanceMsgsPerNodeSecond">Maintenance traffic from the split to the end.</param>
public sealed record PartitionResult(
    int MinoritySize, int MajoritySize, double SplitSeconds, double? SplitConvergeSeconds,
    LookupStats MinorityLookups, LookupStats MajorityLookups, bool Healed, double? HealSeconds, int WrongLeafSetsAtEnd,
    LookupStats AfterHeal, double MaintenanceMsgsPerNodeSecond);

/// <summary>Issue 3's partition scenario: split a fraction of the ring off, route within each side, heal, and time the merge.</summary>
public static class PartitionScenario
{
    /// <summary>Runs the scenario on a converged ring.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When the fraction leaves a side empty.</exception>
    public static PartitionResult Run(SimulatedRing ring, double fraction, TimeSpan duration, int lookups, TimeSpan healLimit, Random random)
    {
        var active = ring.ActiveNodes.ToList();
        var minoritySize = (int)Math.Round(active.Count * fraction);
        if (minoritySize < 1 || minoritySize >= active.Count)
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, $"The split must leave at least one node on each side of {active.Count}.");
        var minority = active.OrderBy(_ => random.Next()).Take(minoritySize).ToList();
        var phase = new FaultPhase(ring);
        var start = ring.Clock.Now;
        ring.Partition(minority);

        var step = TimeSpan.FromSeconds(5);
        double? splitConverge = ring.Clock.RunUntil(() => ring.CountWrongLeafSets() == 0, step, duration / 2)
            ? (ring.Clock.Now - start).TotalSeconds : null;
        var split = new LookupRun(ring);
        split.RunToEnd(lookups, TimeSpan.FromMilliseconds(1), () => (Pick(ring, random), RingId.Random(random)), TimeSpan.FromMinutes(2));
        ring.Clock.RunUntil(start + duration);

        ring.Heal();
        var healedAt = ring.Clock.Now;
        var healed = ring.Clock.RunUntil(() => ring.CountWrongLeafSets() == 0, step, healLimit);
        double? healSeconds = healed ? (ring.Clock.Now - healedAt).TotalSeconds : null;
        var wrongAtEnd = ring.CountWrongLeafSets();
        var after = new LookupRun(ring).RunToEnd(lookups, TimeSpan.FromMilliseconds(1), () => (Pick(ring, random), RingId.Random(random)), TimeSpan.FromMinutes(2));
        return new PartitionResult(minoritySize, active.Count - minoritySize, (healedAt - start).TotalSeconds, splitConverge,
            split.Stats(originGroup: 1), split.Stats(originGroup: 0), healed, healSeconds, wrongAtEnd, after, phase.MaintenancePerNodeSecond());
    }

    private static SimulatedNode Pick(SimulatedRing ring, Random random)
    {
        var ready = ring.ActiveNodes.Where(n => n.Engine.IsReady).ToList();
        return ready[random.Next(ready.Count)];
    }
}
