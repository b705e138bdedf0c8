using ePost.Core.Ids;

namespace ePost.Overlay.Routing;

/// <summary>What a correct ring looks like, given every live id: the ground truth tests and tools compare against.</summary>
public static class RingTruth
{
    /// <summary>The ids a correct leaf set of <paramref name="self"/> holds: up to <paramref name="half"/> nearest on each side, nearest first.</summary>
    public static (RingId[] Clockwise, RingId[] CounterClockwise) LeafSet(IReadOnlyCollection<RingId> liveIds, RingId self, int half)
    {
        var sorted = liveIds.Order().ToArray();
        var i = Array.BinarySearch(sorted, self);
        if (i < 0) throw new ArgumentException("self must be one of the live ids", nameof(self));
        var count = Math.Min(half, sorted.Length - 1);
        var clockwise = Enumerable.Range(1, count).Select(k => sorted[(i + k) % sorted.Length]).ToArray();
        var counter = Enumerable.Range(1, count).Select(k => sorted[((i - k) % sorted.Length + sorted.Length) % sorted.Length]).ToArray();
        return (clockwise, counter);
    }

    /// <summary>The live id closest to the key (ties to the counter-clockwise one).</summary>
    public static RingId Root(IEnumerable<RingId> liveIds, RingId key)
    {
        RingId? best = null;
        foreach (var id in liveIds)
            if (best is null || RingId.IsCloser(key, id, best.Value)) best = id;
        return best ?? throw new ArgumentException("no live ids", nameof(liveIds));
    }

    /// <summary>True when a reported leaf set matches the truth exactly.</summary>
    public static bool IsCorrect(IReadOnlyCollection<RingId> liveIds, Node.NodeStatus status, int half)
    {
        var (cw, ccw) = LeafSet(liveIds, status.Self.Id, half);
        return status.Ready
               && status.Clockwise.Select(n => n.Id).SequenceEqual(cw)
               && status.CounterClockwise.Select(n => n.Id).SequenceEqual(ccw);
    }
}
