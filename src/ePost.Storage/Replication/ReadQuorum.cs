using ePost.Core.Ids;
using ePost.Storage.Objects;

namespace ePost.Storage.Replication;

/// <summary>
/// What a reader may conclude from the replicas it heard, as a pure class: "the ring has no such object" only when
/// a majority of the id's replica set said so, and never a version older than the newest this node ever saw.
/// </summary>
/// <remarks>
/// <para>The replica set is the r nodes closest to the id among every node the reader has heard named: its own leaf
/// set, the root, and the replica lists each answering node sends. A lying root that says "not found" and names
/// nobody is one voice, not a verdict; one that names ids of nodes that do not exist only keeps the verdict open
/// (the reader then says "cannot tell", a temporary failure), never makes it "absent".</para>
/// <para>The version floor is the newest version of the id this node has verified before (remembered durably by the
/// store): a replica or root that serves an older signed head is a liar or stale, and its copy is not an answer.</para>
/// </remarks>
public sealed class ReadQuorum(RingId id, int replicationFactor, ulong? floor = null)
{
    private readonly HashSet<RingId> _named = new();
    private readonly HashSet<RingId> _absent = new();
    private readonly HashSet<RingId> _held = new();

    /// <summary>The id read.</summary>
    public RingId Id { get; } = id;

    /// <summary>The newest version this node saw before, if any: older copies are not answers.</summary>
    public ulong? Floor { get; } = floor;

    /// <summary>How many nodes have been named so far.</summary>
    public int NamedCount => _named.Count;

    /// <summary>Adds nodes that someone named as replicas (or this node's own view of them).</summary>
    public void Name(IEnumerable<RingId> nodes)
    {
        foreach (var node in nodes) _named.Add(node);
    }

    /// <summary>Records that <paramref name="node"/> answered, holding a valid copy or not.</summary>
    public void Heard(RingId node, bool held)
    {
        _named.Add(node);
        if (held)
        {
            _held.Add(node);
            _absent.Remove(node);
        }
        else if (!_held.Contains(node)) _absent.Add(node);
    }

    /// <summary>The r nodes closest to the id among all named.</summary>
    public IReadOnlyList<RingId> ReplicaSet()
    {
        var sorted = _named.ToList();
        sorted.Sort((a, b) => RingId.CompareCloseness(Id, a, b));
        return sorted.Take(replicationFactor).ToList();
    }

    /// <summary>A majority of the replica set as far as it is known (at least one node).</summary>
    public int Majority => replicationFactor / 2 + 1;

    /// <summary>True when a majority of the replica set said it holds no copy: only then does "not found" mean the ring has none.</summary>
    public bool IsDefinitivelyAbsent() => _held.Count == 0 && ReplicaSet().Count(_absent.Contains) >= Majority;

    /// <summary>True when a majority of the replica set has answered either way: a newest-version read may decide.</summary>
    public bool MajorityAnswered() => ReplicaSet().Count(n => _absent.Contains(n) || _held.Contains(n)) >= Majority;

    /// <summary>True when <paramref name="value"/> is not older than the floor (objects without versions always are).</summary>
    public bool Admits(StoredObject value) => Floor is not { } floor || ObjectValidator.VersionOf(value) is not { } version || version >= floor;
}
