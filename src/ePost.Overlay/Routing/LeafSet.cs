using ePost.Core.Ids;

namespace ePost.Overlay.Routing;

/// <summary>
/// The nodes numerically closest to this one: up to L/2 on the clockwise side and L/2 on the counter-clockwise
/// side, each side ordered nearest first. In a ring smaller than L+1 a node can sit on both sides.
/// </summary>
public sealed class LeafSet
{
    private readonly List<NodeHandle> _clockwise = new();
    private readonly List<NodeHandle> _counterClockwise = new();

    /// <summary>Creates an empty leaf set for <paramref name="self"/> holding up to <paramref name="size"/> members (even, at least 2).</summary>
    public LeafSet(NodeHandle self, int size)
    {
        if (size < 2 || size % 2 != 0) throw new ArgumentOutOfRangeException(nameof(size), "Leaf set size must be even and at least 2.");
        Self = self;
        Size = size;
    }

    /// <summary>The owner of this leaf set.</summary>
    public NodeHandle Self { get; }

    /// <summary>L, the total capacity.</summary>
    public int Size { get; }

    /// <summary>Members per side, L/2.</summary>
    public int HalfSize => Size / 2;

    /// <summary>Clockwise members, nearest first.</summary>
    public IReadOnlyList<NodeHandle> Clockwise => _clockwise;

    /// <summary>Counter-clockwise members, nearest first.</summary>
    public IReadOnlyList<NodeHandle> CounterClockwise => _counterClockwise;

    /// <summary>Every member once (a node on both sides appears once).</summary>
    public IEnumerable<NodeHandle> Members =>
        _clockwise.Concat(_counterClockwise.Where(n => !ContainsOn(_clockwise, n.Id)));

    /// <summary>Number of distinct members.</summary>
    public int Count => Members.Count();

    /// <summary>True when no other node is known.</summary>
    public bool IsEmpty => _clockwise.Count == 0 && _counterClockwise.Count == 0;

    /// <summary>
    /// True when a side is not full, or the two sides reach round to meet each other (a ring of at most L nodes,
    /// where some node sits on both sides): if the leaf set is correct, the whole ring then fits in it, so every
    /// key's root is among its members.
    /// </summary>
    /// <remarks>
    /// The overlap test matters: with full sides that share members, the arc from the farthest counter-clockwise
    /// member to the farthest clockwise one is a sliver, and <see cref="Covers"/> would wrongly send keys next to
    /// this node to the routing table.
    /// </remarks>
    public bool SpansWholeRing =>
        _clockwise.Count < HalfSize || _counterClockwise.Count < HalfSize
        || RingId.ClockwiseDistance(Self.Id, _counterClockwise[^1].Id) <= RingId.ClockwiseDistance(Self.Id, _clockwise[^1].Id);

    /// <summary>The immediate clockwise neighbour, if any.</summary>
    public NodeHandle? Successor => _clockwise.Count > 0 ? _clockwise[0] : null;

    /// <summary>The immediate counter-clockwise neighbour, if any.</summary>
    public NodeHandle? Predecessor => _counterClockwise.Count > 0 ? _counterClockwise[0] : null;

    /// <summary>True when the member with that id is in the set.</summary>
    public bool Contains(RingId id) => ContainsOn(_clockwise, id) || ContainsOn(_counterClockwise, id);

    /// <summary>The member with that id, or null.</summary>
    public NodeHandle? Get(RingId id) =>
        _clockwise.FirstOrDefault(n => n.Id == id) ?? _counterClockwise.FirstOrDefault(n => n.Id == id);

    /// <summary>
    /// True when the key lies between the farthest counter-clockwise and the farthest clockwise member, so its
    /// root is this node or a member.
    /// </summary>
    public bool Covers(RingId key)
    {
        if (SpansWholeRing) return true;
        var first = _counterClockwise[^1].Id;
        var last = _clockwise[^1].Id;
        return RingId.InClockwiseArc(key, first, last);
    }

    /// <summary>The member or self numerically closest to the key (the key's root if the leaf set covers it).</summary>
    public NodeHandle Closest(RingId key, Func<NodeHandle, bool>? usable = null)
    {
        var best = Self;
        foreach (var member in _clockwise.Concat(_counterClockwise))
            if ((usable is null || usable(member)) && RingId.IsCloser(key, member.Id, best.Id))
                best = member;
        return best;
    }

    /// <summary>
    /// Offers a node. Returns true when the set changed: the node entered a side, or a later incarnation replaced
    /// an earlier one. An earlier incarnation of a member is ignored.
    /// </summary>
    /// <remarks>
    /// A member held on one side only is still offered to the other: in a ring of at most L nodes a member pushed
    /// off one side by a nearer node must come back when that node dies, or the side stays short for good.
    /// </remarks>
    public bool Offer(NodeHandle node)
    {
        if (node.Id == Self.Id) return false;
        var changed = false;
        if (Get(node.Id) is { } existing)
        {
            if (existing.IsSupersededBy(node))
            {
                Replace(_clockwise, node);
                Replace(_counterClockwise, node);
                changed = true;
            }
            else if (existing != node) return false;
        }
        if (!ContainsOn(_clockwise, node.Id))
            changed |= InsertSorted(_clockwise, node, n => RingId.ClockwiseDistance(Self.Id, n.Id));
        if (!ContainsOn(_counterClockwise, node.Id))
            changed |= InsertSorted(_counterClockwise, node, n => RingId.ClockwiseDistance(n.Id, Self.Id));
        return changed;
    }

    /// <summary>Would the node enter the set if offered? (Does not change the set.)</summary>
    public bool WouldAccept(NodeHandle node)
    {
        if (node.Id == Self.Id) return false;
        if (Get(node.Id) is { } existing)
        {
            if (existing.IsSupersededBy(node)) return true;
            if (existing != node) return false;
        }
        return (!ContainsOn(_clockwise, node.Id)
                && WouldInsert(_clockwise, RingId.ClockwiseDistance(Self.Id, node.Id), n => RingId.ClockwiseDistance(Self.Id, n.Id)))
            || (!ContainsOn(_counterClockwise, node.Id)
                && WouldInsert(_counterClockwise, RingId.ClockwiseDistance(node.Id, Self.Id), n => RingId.ClockwiseDistance(n.Id, Self.Id)));
    }

    /// <summary>Removes a member; returns true if it was present.</summary>
    public bool Remove(RingId id)
    {
        var removed = _clockwise.RemoveAll(n => n.Id == id) > 0;
        removed |= _counterClockwise.RemoveAll(n => n.Id == id) > 0;
        return removed;
    }

    private bool InsertSorted(List<NodeHandle> side, NodeHandle node, Func<NodeHandle, RingId> distance)
    {
        var d = distance(node);
        if (!WouldInsert(side, d, distance)) return false;
        var index = 0;
        while (index < side.Count && distance(side[index]) < d) index++;
        side.Insert(index, node);
        if (side.Count > HalfSize) side.RemoveAt(side.Count - 1);
        return true;
    }

    private bool WouldInsert(List<NodeHandle> side, RingId d, Func<NodeHandle, RingId> distance) =>
        side.Count < HalfSize || d < distance(side[^1]);

    private static void Replace(List<NodeHandle> side, NodeHandle node)
    {
        for (var i = 0; i < side.Count; i++)
            if (side[i].Id == node.Id) side[i] = node;
    }

    private static bool ContainsOn(List<NodeHandle> side, RingId id)
    {
        foreach (var n in side)
            if (n.Id == id) return true;
        return false;
    }
}
