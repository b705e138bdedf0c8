using ePost.Core.Ids;

namespace ePost.Overlay.Routing;

/// <summary>Pastry's routing rule as a pure function of a node's leaf set and routing table.</summary>
public static class NextHop
{
    /// <summary>
    /// The node to forward a message for <paramref name="key"/> to, or null when this node is the key's root.
    /// Leaf-set range first (deliver to the numerically closest), else the routing-table entry for the next digit,
    /// else any known node that shares at least as long a prefix with the key and is numerically closer.
    /// </summary>
    /// <param name="usable">Filter for candidates (e.g. skips suspected nodes or an excluded joiner).</param>
    public static NodeHandle? For(RingId key, LeafSet leafSet, RoutingTable table, Func<NodeHandle, bool>? usable = null)
    {
        var self = leafSet.Self;
        if (key == self.Id) return null;
        if (leafSet.Covers(key))
        {
            var closest = leafSet.Closest(key, usable);
            return closest.Id == self.Id ? null : closest;
        }

        var row = RingId.SharedPrefixDigits(key, self.Id, table.BitsPerDigit);
        var entry = table.Get(row, key.Digit(row, table.BitsPerDigit));
        if (entry is not null && (usable is null || usable(entry))) return entry;

        // The rare case: no entry for the next digit. Any node at least as good in prefix and strictly closer
        // numerically makes progress; prefer the closest such node.
        NodeHandle? best = null;
        foreach (var candidate in leafSet.Members.Concat(table.Entries))
        {
            if (usable is not null && !usable(candidate)) continue;
            if (RingId.SharedPrefixDigits(candidate.Id, key, table.BitsPerDigit) < row) continue;
            if (!RingId.IsCloser(key, candidate.Id, self.Id)) continue;
            if (best is null || RingId.IsCloser(key, candidate.Id, best.Id)) best = candidate;
        }
        return best;
    }
}
