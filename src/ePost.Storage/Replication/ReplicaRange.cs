using ePost.Core.Ids;
using ePost.Overlay;
using ePost.Storage.Local;

namespace ePost.Storage.Replication;

/// <summary>
/// One node's view of who replicates what: PAST's rule (the r nodes closest to a key) applied to this node and
/// its leaf-set members, the arc of keys this node is responsible for, and the neighbours it shares keys with.
/// </summary>
public sealed class ReplicaRange
{
    private readonly List<NodeHandle> _clockwise;
    private readonly List<NodeHandle> _counterClockwise;
    private readonly List<NodeHandle> _all;

    /// <summary>Builds the view from this node and its leaf-set members (self, if listed, and duplicates are ignored).</summary>
    public ReplicaRange(NodeHandle self, IEnumerable<NodeHandle> members, int replicationFactor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicationFactor, 1);
        Self = self;
        R = replicationFactor;
        var others = members.Where(m => m.Id != self.Id).GroupBy(m => m.Id).Select(g => g.First()).ToList();
        _all = others.Append(self).ToList();
        _clockwise = others.OrderBy(m => RingId.ClockwiseDistance(self.Id, m.Id)).ToList();
        _counterClockwise = others.OrderBy(m => RingId.ClockwiseDistance(m.Id, self.Id)).ToList();
    }

    /// <summary>This node.</summary>
    public NodeHandle Self { get; }

    /// <summary>The replication factor r.</summary>
    public int R { get; }

    /// <summary>Nodes known, this one included.</summary>
    public int KnownNodes => _all.Count;

    /// <summary>The nodes known, this one included.</summary>
    public IReadOnlyList<NodeHandle> Known => _all;

    /// <summary>The up to r known nodes closest to <paramref name="key"/>, closest first.</summary>
    public IReadOnlyList<NodeHandle> ReplicasFor(RingId key) => Closest(key, R);

    /// <summary>The up to <paramref name="count"/> known nodes closest to <paramref name="key"/>, closest first.</summary>
    public IReadOnlyList<NodeHandle> Closest(RingId key, int count)
    {
        var sorted = _all.ToList();
        sorted.Sort((a, b) => RingId.CompareCloseness(key, a.Id, b.Id));
        return sorted.Take(count).ToList();
    }

    /// <summary>True when this node is one of the r closest to <paramref name="key"/>.</summary>
    public bool IsReplica(RingId key) => ReplicasFor(key).Any(n => n.Id == Self.Id);

    /// <summary>True when <paramref name="node"/> is, by this node's view, one of the r + <paramref name="slack"/> known nodes closest to <paramref name="key"/>.</summary>
    public bool IsReplica(RingId key, RingId node, int slack)
    {
        return Closest(key, R + slack).Any(n => n.Id == node);
    }

    /// <summary>
    /// The keys this node replicates: from halfway to its r-th counter-clockwise neighbour to halfway to its r-th
    /// clockwise one (a key past either midpoint has r nodes closer than this one). The whole ring when fewer than
    /// 2r nodes are known: the two sides then overlap and the whole ring is the safe (larger) answer.
    /// </summary>
    public RingArc ResponsibleArc()
    {
        if (_all.Count < 2 * R) return RingArc.Whole;
        var cw = _clockwise[R - 1].Id;
        var ccw = _counterClockwise[R - 1].Id;
        var end = Self.Id + Halve(RingId.ClockwiseDistance(Self.Id, cw));
        var start = ccw + Halve(RingId.ClockwiseDistance(ccw, Self.Id)) + One;
        return new RingArc(start, end);
    }

    /// <summary>The neighbours that share keys with this node: the r-1 nearest on each side.</summary>
    public IReadOnlyList<NodeHandle> Partners() =>
        _clockwise.Take(R - 1).Concat(_counterClockwise.Take(R - 1)).GroupBy(n => n.Id).Select(g => g.First()).ToList();

    private static readonly RingId One = RingId.FromBytes([.. new byte[RingId.ByteLength - 1], 1]);

    /// <summary>Half of a ring distance, rounded down.</summary>
    internal static RingId Halve(RingId value)
    {
        var bytes = value.ToBytes();
        var carry = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            var next = bytes[i] & 1;
            bytes[i] = (byte)((bytes[i] >> 1) | (carry << 7));
            carry = next;
        }
        return RingId.FromBytes(bytes);
    }
}
