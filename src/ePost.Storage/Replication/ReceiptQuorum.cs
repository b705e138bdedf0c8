using System.Numerics;
using ePost.Core.Ids;
using ePost.Storage.Wire;

namespace ePost.Storage.Replication;

/// <summary>How a writer judged the receipts offered for one insert.</summary>
/// <param name="Counted">The receipts that count: one per holder, each valid, certified and from a plausible replica.</param>
/// <param name="Needed">A majority of the replica set as the writer sees it.</param>
/// <param name="Refused">Receipts offered that did not count, and why (for the log and the failure message).</param>
public sealed record ReceiptCount(IReadOnlyList<StorageReceipt> Counted, int Needed, IReadOnlyList<string> Refused)
{
    /// <summary>True when enough receipts count.</summary>
    public bool Proven => Counted.Count >= Needed;
}

/// <summary>
/// The writer's check of an insert's storage receipts, as a pure function of what it offered and what the writer
/// knows: which receipts prove that plausible members of the id's replica set hold these bytes for this request.
/// </summary>
/// <remarks>
/// <para>A receipt counts when it is well formed and signed for this request, object and bytes; its key is a
/// certified member's (<see cref="IMemberCertification"/>: a minted key proves nothing); and its holder passes two
/// tests of place, neither of which needs the writer to have met the holder (a replica that joined a moment ago is
/// known to the root before the writer has probed it):</para>
/// <list type="bullet">
/// <item><b>Rank</b>: fewer than r + slack of the nodes the writer knows (itself, its leaf set, the root) are closer to
/// the id than the holder. Where the writer's leaf set covers the id this is PAST's rule with the holders' own
/// admission slack, so a hedged "spare" (the (r+1)-th closest) counts, and a known node farther out does not.</item>
/// <item><b>Density</b>: the holder is no farther from the id than the distance the (r + slack)-th closest node exceeds
/// only with probability <see cref="FalseRefusal"/>, by the writer's own leaf-set density (<see cref="Reach"/>; the
/// density test of Castro et al., OSDI 2002). A writer
/// far from the id knows no node near it, so rank alone would let a lying root name certified accomplices anywhere in
/// the ring; the density bound confines them to the id's neighbourhood, where ids are hashes of keys the CA certified.</item>
/// </list>
/// <para>Other holders are never counted as "closer": what decides is the writer's own view, so a root cannot push an
/// honest replica's receipt out by naming closer accomplices (who would need to be near the id anyway).</para>
/// </remarks>
public sealed class ReceiptQuorum
{
    /// <summary>Offered receipts read at most, per replica: a root cannot make the writer verify without bound.</summary>
    public const int MaxOfferedPerReplica = 4;

    /// <summary>The chance that the density bound refuses an honest (r + slack)-th closest replica, whatever the writer's leaf-set size.</summary>
    public const double FalseRefusal = 1e-4;

    private static readonly double RingSize = Math.Pow(2, RingId.Bits);
    private readonly IMemberCertification _members;

    /// <summary>A quorum for replication factor <paramref name="replicationFactor"/>, accepting holders up to <paramref name="slack"/> places beyond the r closest.</summary>
    /// <param name="replicationFactor">r.</param>
    /// <param name="slack">How many places beyond the r closest a holder may rank (the holders' admission slack).</param>
    /// <param name="members">Who decides that a holder key is a certified member's.</param>
    public ReceiptQuorum(int replicationFactor, int slack, IMemberCertification members)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicationFactor, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(slack);
        ReplicationFactor = replicationFactor;
        Slack = slack;
        _members = members;
    }

    /// <summary>The replication factor r.</summary>
    public int ReplicationFactor { get; }

    /// <summary>Places beyond the r closest a holder may rank in the writer's view.</summary>
    public int Slack { get; }

    /// <summary>Judges <paramref name="offered"/> for request <paramref name="op"/> storing <paramref name="digest"/> under <paramref name="id"/>.</summary>
    /// <param name="self">The writer's node id.</param>
    /// <param name="known">The nodes the writer knows by itself (its leaf set; itself may be listed), without the holders.</param>
    /// <param name="root">The node the writer sent the insert to, if any.</param>
    public ReceiptCount Count(RequestId op, RingId id, ReadOnlySpan<byte> digest, IEnumerable<StorageReceipt?> offered, RingId self,
        IReadOnlyCollection<RingId> known, RingId? root)
    {
        var view = known.Append(self);
        if (root is { } r) view = view.Append(r);
        var ranked = view.Distinct().ToList();
        var reach = Reach(self, known);
        var refused = new List<string>();
        var counted = new Dictionary<RingId, StorageReceipt>();
        foreach (var receipt in offered.Take(MaxOfferedPerReplica * ReplicationFactor))
        {
            if (receipt is null) continue;
            if (receipt.HolderKey is not { Length: Core.Crypto.Ed25519.PublicKeyLength })
            {
                refused.Add("?: not a valid receipt for this request and these bytes");
                continue;
            }
            var holder = receipt.Holder;
            var name = holder.ToShortString();
            // The cheap tests of place first: a root offering far-away receipts costs the writer no signature check.
            if (counted.ContainsKey(holder)) continue;
            if (Rank(id, holder, ranked) >= ReplicationFactor + Slack)
                refused.Add($"{name}: not among the {ReplicationFactor + Slack} nodes closest to the id that this node knows");
            else if (reach is { } limit && ToFraction(RingId.Distance(id, holder)) > limit)
                refused.Add($"{name}: too far from the id to be one of its replicas (by this node's leaf-set density)");
            else if (!receipt.Proves(op, id, digest)) refused.Add($"{name}: not a valid receipt for this request and these bytes");
            else if (!_members.IsCertified(receipt.HolderKey, receipt.HolderCertificate, out var why)) refused.Add($"{name}: not a certified member ({why})");
            else counted.Add(holder, receipt);
        }
        var replicaSet = Math.Min(ReplicationFactor, ranked.Union(counted.Keys).Count());
        return new ReceiptCount(counted.Values.ToList(), replicaSet / 2 + 1, refused);
    }

    /// <summary>How many of <paramref name="view"/> other than <paramref name="holder"/> are closer to <paramref name="id"/> than it.</summary>
    private static int Rank(RingId id, RingId holder, IReadOnlyList<RingId> view) =>
        view.Count(n => n != holder && RingId.CompareCloseness(id, n, holder) < 0);

    /// <summary>
    /// The farthest a replica may stand from an id, as a fraction of the ring, by the writer's leaf-set density; null
    /// when the writer knows fewer than two other nodes or when the bound would exclude nothing (a small ring, or too
    /// few members to tell the density: the rank test decides alone).
    /// </summary>
    /// <remarks>
    /// Node ids are uniform hashes, so ids form a Poisson process of one density everywhere. The m members of the writer's
    /// leaf set span S (farthest clockwise plus farthest counter-clockwise), m gaps of the mean gap g; the (r + slack)-th
    /// closest node to an id lies at D. The bound is t·S with t chosen so that an honest D exceeds it with probability
    /// <see cref="FalseRefusal"/>, accounting for both D's spread and the error of estimating g from m gaps: few members
    /// give a wide bound, a full leaf set of 24 about 12 mean gaps (r = 4, slack 1: the 24 nodes nearest the id).
    /// </remarks>
    public double? Reach(RingId self, IReadOnlyCollection<RingId> known)
    {
        var others = known.Where(k => k != self).Distinct().ToList();
        if (others.Count < 2) return null;
        double clockwise = 0, counter = 0;
        foreach (var other in others)
        {
            var cw = ToFraction(RingId.ClockwiseDistance(self, other));
            if (cw <= 0.5) clockwise = Math.Max(clockwise, cw);
            else counter = Math.Max(counter, 1 - cw);
        }
        var reach = (clockwise + counter) * SpanMultiple(ReplicationFactor + Slack, others.Count);
        return reach >= 0.5 ? null : reach;
    }

    /// <summary>
    /// The t with P(D &gt; t·S) = <see cref="FalseRefusal"/>, for D the distance from a point to its <paramref name="k"/>-th
    /// closest node and S the span of <paramref name="m"/> gaps.
    /// </summary>
    /// <remarks>
    /// With two-sided density 2/g, 2D/g is Gamma(k) and S/g is Gamma(m), independent (disjoint stretches of ring), so
    /// B = 2D / (2D + S) is Beta(k, m), and for whole k and m, P(B &gt; x) = P(Binomial(k + m - 1, x) &lt; k). The x with
    /// that tail equal to the target is found by bisection; then D &gt; t·S exactly when B &gt; x, for t = x / (2(1 - x)).
    /// </remarks>
    internal static double SpanMultiple(int k, int m)
    {
        double below = 0, above = 1;
        for (var i = 0; i < 60; i++)
        {
            var x = (below + above) / 2;
            if (BinomialBelow(k + m - 1, x, k) > FalseRefusal) below = x;
            else above = x;
        }
        return above / (2 * Math.Max(1 - above, 1e-12));
    }

    /// <summary>P(Binomial(<paramref name="n"/>, <paramref name="p"/>) &lt; <paramref name="k"/>).</summary>
    private static double BinomialBelow(int n, double p, int k)
    {
        double sum = 0, choose = 1;
        for (var j = 0; j < k && j <= n; j++)
        {
            sum += choose * Math.Pow(p, j) * Math.Pow(1 - p, n - j);
            choose = choose * (n - j) / (j + 1);
        }
        return sum;
    }

    private static double ToFraction(RingId distance) => (double)new BigInteger(distance.ToBytes(), isUnsigned: true, isBigEndian: true) / RingSize;
}
