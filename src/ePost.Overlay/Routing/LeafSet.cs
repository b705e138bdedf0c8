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
    private NodeHandle[]? _members;

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

    /// <summary>Every member once (a node on both sides appears once): clockwise nearest first, then the others.</summary>
    public IEnumerable<NodeHandle> Members => MemberArray;

    /// <summary>
    /// <see cref="Members"/> as an array, built once per change of the set: every probe and leaf-set message carries
    /// it, so it is shared by them and must not be written to.
    /// </summary>
    public NodeHandle[] MemberArray => _members ??= BuildMembers();

    /// <summary>Number of distinct members.</summary>
    public int Count => MemberArray.Length;

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
    public NodeHandle? Get(RingId id) => GetOn(_clockwise, id) ?? GetOn(_counterClockwise, id);

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
        foreach (var member in _clockwise)
            if ((usable is null || usable(member)) && RingId.IsCloser(key, member.Id, best.Id))
                best = member;
        foreach (var member in _counterClockwise)
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
            changed |= InsertSorted(_clockwise, node, clockwise: true);
        if (!ContainsOn(_counterClockwise, node.Id))
            changed |= InsertSorted(_counterClockwise, node, clockwise: false);
        if (changed) _members = null;
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
        return (!ContainsOn(_clockwise, node.Id) && WouldInsert(_clockwise, Distance(node, clockwise: true), clockwise: true))
            || (!ContainsOn(_counterClockwise, node.Id) && WouldInsert(_counterClockwise, Distance(node, clockwise: false), clockwise: false));
    }

    /// <summary>
    /// How far the leaf set of <paramref name="owner"/> reaches on each side if it held exactly
    /// <paramref name="members"/>: the distance of its farthest clockwise and counter-clockwise member when that side
    /// is full, null when it is not (such a leaf set takes any node). Lets a node ask of a neighbour's leaf set what
    /// <see cref="WouldAccept"/> would answer without building it.
    /// </summary>
    public static (RingId? Clockwise, RingId? CounterClockwise) Reach(RingId owner, IReadOnlyList<NodeHandle> members, int size)
    {
        var half = size / 2;
        Span<RingId> clockwise = members.Count <= 64 ? stackalloc RingId[members.Count] : new RingId[members.Count];
        var count = 0;
        foreach (var n in members)
            if (n.Id != owner) clockwise[count++] = RingId.ClockwiseDistance(owner, n.Id);
        clockwise = clockwise[..count];
        clockwise.Sort();
        // One id, one distance: repeats (another epoch of a member) count once, as Offer keeps one of them.
        var distinct = 0;
        for (var i = 0; i < clockwise.Length; i++)
            if (i == 0 || clockwise[i] != clockwise[distinct - 1]) clockwise[distinct++] = clockwise[i];
        if (distinct < half) return (null, null);
        // The counter-clockwise distance of a node is the negation of its clockwise one: the half nearest that way are
        // the half with the largest clockwise distances (zero is the owner itself, excluded above).
        var farthestCounterClockwise = RingId.ClockwiseDistance(clockwise[distinct - half], RingId.Zero);
        return (clockwise[half - 1], farthestCounterClockwise);
    }

    /// <summary>Whether a leaf set of <paramref name="owner"/> with the given <see cref="Reach"/> would take <paramref name="node"/> (not a member).</summary>
    public static bool WouldReach(RingId owner, (RingId? Clockwise, RingId? CounterClockwise) reach, NodeHandle node) =>
        reach.Clockwise is not { } cw || reach.CounterClockwise is not { } ccw
        || RingId.ClockwiseDistance(owner, node.Id) < cw || RingId.ClockwiseDistance(node.Id, owner) < ccw;

    /// <summary>
    /// How many members on one side are nearer than <paramref name="node"/> (counting only those
    /// <paramref name="counted"/> accepts): the node would enter that side if fewer than <see cref="HalfSize"/> are.
    /// </summary>
    public int Nearer(NodeHandle node, bool clockwise, Func<NodeHandle, bool>? counted = null)
    {
        var d = Distance(node, clockwise);
        var nearer = 0;
        foreach (var member in clockwise ? _clockwise : _counterClockwise)
        {
            if (Distance(member, clockwise) >= d) break;
            if (member.Id != node.Id && (counted is null || counted(member))) nearer++;
        }
        return nearer;
    }

    /// <summary>Removes a member; returns true if it was present.</summary>
    public bool Remove(RingId id)
    {
        var removed = RemoveOn(_clockwise, id);
        removed |= RemoveOn(_counterClockwise, id);
        if (removed) _members = null;
        return removed;
    }

    private NodeHandle[] BuildMembers()
    {
        var members = new List<NodeHandle>(_clockwise.Count + _counterClockwise.Count);
        members.AddRange(_clockwise);
        foreach (var n in _counterClockwise)
            if (!ContainsOn(_clockwise, n.Id)) members.Add(n);
        return members.ToArray();
    }

    /// <summary>How far <paramref name="node"/> is from this node on one side.</summary>
    private RingId Distance(NodeHandle node, bool clockwise) =>
        clockwise ? RingId.ClockwiseDistance(Self.Id, node.Id) : RingId.ClockwiseDistance(node.Id, Self.Id);

    private bool InsertSorted(List<NodeHandle> side, NodeHandle node, bool clockwise)
    {
        var d = Distance(node, clockwise);
        if (!WouldInsert(side, d, clockwise)) return false;
        var index = 0;
        while (index < side.Count && Distance(side[index], clockwise) < d) index++;
        side.Insert(index, node);
        if (side.Count > HalfSize) side.RemoveAt(side.Count - 1);
        return true;
    }

    private bool WouldInsert(List<NodeHandle> side, RingId d, bool clockwise) =>
        side.Count < HalfSize || d < Distance(side[^1], clockwise);

    private static bool RemoveOn(List<NodeHandle> side, RingId id)
    {
        var removed = false;
        for (var i = side.Count - 1; i >= 0; i--)
            if (side[i].Id == id)
            {
                side.RemoveAt(i);
                removed = true;
            }
        return removed;
    }

    private static NodeHandle? GetOn(List<NodeHandle> side, RingId id)
    {
        foreach (var n in side)
            if (n.Id == id) return n;
        return null;
    }

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
