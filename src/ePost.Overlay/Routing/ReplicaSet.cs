using ePost.Core.Ids;

namespace ePost.Overlay.Routing;

/// <summary>Which nodes hold the replicas of a key: the r live nodes numerically closest to it (PAST's rule).</summary>
public static class ReplicaSet
{
    /// <summary>
    /// The up to <paramref name="r"/> nodes closest to <paramref name="key"/> among this node and its leaf set,
    /// closest first. Exact when the key's root is this node or a leaf-set member and r is at most L/2 + 1.
    /// </summary>
    public static IReadOnlyList<NodeHandle> For(RingId key, LeafSet leafSet, int r)
    {
        if (r < 1) throw new ArgumentOutOfRangeException(nameof(r), "At least one replica.");
        var candidates = leafSet.Members.Append(leafSet.Self).ToList();
        candidates.Sort((a, b) => RingId.CompareCloseness(key, a.Id, b.Id));
        return candidates.Take(r).ToList();
    }

    /// <summary>True when this node is among the <paramref name="r"/> closest to the key, as far as its leaf set knows.</summary>
    public static bool IsReplica(RingId key, LeafSet leafSet, int r) =>
        For(key, leafSet, r).Any(n => n.Id == leafSet.Self.Id);
}
