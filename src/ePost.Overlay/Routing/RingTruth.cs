using ePost.Core.Ids;

namespace ePost.Overlay.Routing;

/// <summary>
/// What a correct ring looks like, given every live id: the ground truth tests, tools and the simulator compare
/// against. The primitives take the ids sorted and allocate nothing, so the simulator can check thousands of nodes.
/// </summary>
public static class RingTruth
{
    /// <summary>The live id closest to the key (ties to the counter-clockwise one), from ids in ascending order.</summary>
    public static RingId Root(RingId[] sortedIds, RingId key)
    {
        if (sortedIds.Length == 0) throw new InvalidOperationException("No live node to be the root.");
        var at = Array.BinarySearch(sortedIds, key);
        if (at >= 0) return sortedIds[at];
        var next = ~at;
        // The root is the nearest live id on one side or the other of the key, wrapping around zero.
        var clockwise = sortedIds[next % sortedIds.Length];
        var counter = sortedIds[(next - 1 + sortedIds.Length) % sortedIds.Length];
        return RingId.CompareCloseness(key, counter, clockwise) <= 0 ? counter : clockwise;
    }

    /// <summary>The live id closest to the key (ties to the counter-clockwise one).</summary>
    public static RingId Root(IEnumerable<RingId> liveIds, RingId key) => Root(liveIds.Order().ToArray(), key);

    /// <summary>
    /// True when <paramref name="clockwise"/> and <paramref name="counterClockwise"/> (nearest first) are exactly the up
    /// to <paramref name="half"/> nearest ids on each side of <paramref name="self"/> among <paramref name="sortedIds"/>.
    /// </summary>
    public static bool Matches(RingId[] sortedIds, RingId self, IReadOnlyList<NodeHandle> clockwise, IReadOnlyList<NodeHandle> counterClockwise, int half)
    {
        var i = IndexOf(sortedIds, self);
        var count = Math.Min(half, sortedIds.Length - 1);
        if (clockwise.Count != count || counterClockwise.Count != count) return false;
        for (var k = 0; k < count; k++)
            if (clockwise[k].Id != Clockwise(sortedIds, i, k) || counterClockwise[k].Id != CounterClockwise(sortedIds, i, k))
                return false;
        return true;
    }

    /// <summary>The ids a correct leaf set of <paramref name="self"/> holds: up to <paramref name="half"/> nearest on each side, nearest first.</summary>
    public static (RingId[] Clockwise, RingId[] CounterClockwise) LeafSet(IReadOnlyCollection<RingId> liveIds, RingId self, int half)
    {
        var sorted = liveIds.Order().ToArray();
        var i = IndexOf(sorted, self);
        var count = Math.Min(half, sorted.Length - 1);
        return (Enumerable.Range(0, count).Select(k => Clockwise(sorted, i, k)).ToArray(),
                Enumerable.Range(0, count).Select(k => CounterClockwise(sorted, i, k)).ToArray());
    }

    /// <summary>True when a reported status is ready and its leaf set matches the truth exactly.</summary>
    public static bool IsCorrect(IReadOnlyCollection<RingId> liveIds, Node.NodeStatus status, int half) =>
        status.Ready && Matches(liveIds.Order().ToArray(), status.Self.Id, status.Clockwise, status.CounterClockwise, half);

    private static int IndexOf(RingId[] sortedIds, RingId self)
    {
        var i = Array.BinarySearch(sortedIds, self);
        if (i < 0) throw new ArgumentException("self must be one of the live ids", nameof(self));
        return i;
    }

    private static RingId Clockwise(RingId[] sorted, int i, int k) => sorted[(i + k + 1) % sorted.Length];

    private static RingId CounterClockwise(RingId[] sorted, int i, int k) => sorted[((i - k - 1) % sorted.Length + sorted.Length) % sorted.Length];
}
