using System.Numerics;
using ePost.Core.Ids;
using ePost.Storage.Wire;

namespace ePost.Storage.Replication;

/// <summary>How a writer judged the receipts offered for one insert.</summary>
/// <param name="Counted">The receipts that count: one per holder, each valid, certified and from the replica set.</param>
/// <param name="Needed">A majority of the replica set as the writer sees it.</param>
/// <param name="Refused">Receipts offered that did not count, and why (for the log and the failure message).</param>
public sealed record ReceiptCount(IReadOnlyList<StorageReceipt> Counted, int Needed, IReadOnlyList<string> Refused)
{
    /// <summary>True when enough receipts count.</summary>
    public bool Proven => Counted.Count >= Needed;
}

/// <summary>
/// The writer's check of an insert's storage receipts, as a pure function of what it offered and what the writer
/// knows: which receipts prove that members of the id's replica set hold these bytes for this request.
/// </summary>
/// <remarks>
/// <para>A receipt counts when it is well formed and signed for this request, object and bytes; its key is a
/// certified member's (<see cref="IMemberCertification"/>: a minted key proves nothing); and its holder is among
/// the r nodes closest to the id of all the writer knows (its leaf set, the root it sent to, the holders).</para>
/// <para>A writer far from the id knows few nodes near it, so a root with certified accomplices anywhere in the ring
/// could name them as "the closest". The density test of Castro et al. (OSDI 2002) bounds that: the writer's own
/// leaf set tells the mean gap between node ids, and a holder farther from the id than <see cref="DensityFactor"/>
/// times the distance the r closest nodes should span does not count. A lie then needs certified accomplices with ids
/// next to the object, which the CA's admission (ids are hashes of keys it certified, not chosen) makes expensive.</para>
/// </remarks>
public sealed class ReceiptQuorum(int replicationFactor, IMemberCertification members)
{
    /// <summary>Offered receipts read at most, per replica: a root cannot make the writer verify without bound.</summary>
    public const int MaxOfferedPerReplica = 4;

    /// <summary>How much farther than expected from the id a holder may be (by the writer's leaf-set density).</summary>
    public const double DensityFactor = 4.0;

    private static readonly double RingSize = Math.Pow(2, RingId.Bits);

    /// <summary>The replication factor r.</summary>
    public int ReplicationFactor { get; } = replicationFactor;

    /// <summary>Judges <paramref name="offered"/> for request <paramref name="op"/> storing <paramref name="digest"/> under <paramref name="id"/>.</summary>
    /// <param name="self">The writer's node id.</param>
    /// <param name="known">The nodes the writer knows by itself (its leaf set), without the holders.</param>
    /// <param name="root">The node the writer sent the insert to, if any.</param>
    public ReceiptCount Count(RequestId op, RingId id, ReadOnlySpan<byte> digest, IEnumerable<StorageReceipt?> offered, RingId self,
        IReadOnlyCollection<RingId> known, RingId? root)
    {
        var refused = new List<string>();
        var valid = new Dictionary<RingId, StorageReceipt>();
        var reach = Reach(self, known);
        foreach (var receipt in offered.Take(MaxOfferedPerReplica * ReplicationFactor))
        {
            if (receipt is null) continue;
            var holder = receipt.HolderKey is { Length: Core.Crypto.Ed25519.PublicKeyLength } ? receipt.Holder.ToShortString() : "?";
            if (!receipt.Proves(op, id, digest)) refused.Add($"{holder}: not a valid receipt for this request and these bytes");
            else if (!members.IsCertified(receipt.HolderKey, receipt.HolderCertificate, out var why)) refused.Add($"{holder}: not a certified member ({why})");
            else if (reach is { } limit && ToFraction(RingId.Distance(id, receipt.Holder)) > limit) refused.Add($"{holder}: too far from the id to be one of its replicas");
            else valid.TryAdd(receipt.Holder, receipt);
        }
        var candidates = known.Concat(valid.Keys);
        if (root is { } r) candidates = candidates.Append(r);
        var sorted = candidates.Append(self).Distinct().ToList();
        sorted.Sort((a, b) => RingId.CompareCloseness(id, a, b));
        var closest = sorted.Take(ReplicationFactor).ToHashSet();
        var counted = new List<StorageReceipt>();
        foreach (var (holder, receipt) in valid)
        {
            if (closest.Contains(holder)) counted.Add(receipt);
            else refused.Add($"{holder.ToShortString()}: not among the {ReplicationFactor} nodes closest to the id");
        }
        return new ReceiptCount(counted, Math.Min(ReplicationFactor, sorted.Count) / 2 + 1, refused);
    }

    /// <summary>
    /// The farthest a replica may stand from an id, as a fraction of the ring, by the writer's leaf-set density; null
    /// when the writer's view spans a quarter of the ring or more (a small ring it knows whole: the closeness rule is exact).
    /// </summary>
    public double? Reach(RingId self, IReadOnlyCollection<RingId> known)
    {
        if (known.Count < 2) return null;
        // A leaf set of L nodes spans about L/2 gaps on each side of its owner.
        var farthest = known.Max(k => ToFraction(RingId.Distance(self, k)));
        if (farthest >= 0.25) return null;
        var gap = farthest / (known.Count / 2.0);
        return DensityFactor * (ReplicationFactor / 2.0 + 1) * gap;
    }

    private static double ToFraction(RingId distance) => (double)new BigInteger(distance.ToBytes(), isUnsigned: true, isBigEndian: true) / RingSize;
}
