using System.Security.Cryptography;
using ePost.Core.Crypto;
using ePost.Core.Hashing;
using ePost.Core.Ids;
using ePost.Storage.Replication;
using ePost.Storage.Tests.Support;
using ePost.Storage.Wire;

namespace ePost.Storage.Tests.Replication;

/// <summary>The writer's judgement of storage receipts, as a pure function: certified keys, the replica set, and the leaf-set density bound.</summary>
public sealed class ReceiptQuorumTests
{
    private static readonly CertificateAuthority Ca = CertificateAuthority.Create(RandomNumberGenerator.Create());
    private static readonly List<Ed25519KeyPair> Keys = Enumerable.Range(0, 3000)
        .Select(i => Ed25519.FromSeed(Sha256.Hash(BitConverter.GetBytes(i)))).OrderBy(k => RingId.FromSha256(k.PublicKey)).ToList();

    // The two keys whose ids are closest together: the object lives at the first, so both are its nearest nodes.
    private static readonly (Ed25519KeyPair A, Ed25519KeyPair B) Pair = Enumerable.Range(0, Keys.Count - 1)
        .Select(i => (Keys[i], Keys[i + 1])).MinBy(p => RingId.Distance(RingId.FromSha256(p.Item1.PublicKey), RingId.FromSha256(p.Item2.PublicKey)));

    private static readonly RingId Object = RingId.FromSha256(Pair.A.PublicKey);
    private static readonly byte[] Digest = Sha256.Hash(TestObjects.Block(1).Encode());
    private static readonly RequestId Op = RequestId.New();
    private static readonly RingId Self = Object + RingId.Half;

    private static StorageReceipt Receipt(Ed25519KeyPair key, bool certified = true) =>
        StorageReceipt.Sign(key, Op, Object, Digest, 60_000, certified ? Ca.IssueNode(key.PublicKey, 1).Encode() : null);

    /// <summary>A writer's leaf set of 16 nodes around it, spaced as densely as the two closest keys are.</summary>
    private static List<RingId> DenseLeafSet()
    {
        var gap = RingId.Distance(Object, RingId.FromSha256(Pair.B.PublicKey));
        var known = new List<RingId>();
        var at = Self;
        for (var i = 0; i < 8; i++) known.Add(at = at + gap);
        at = Self;
        for (var i = 0; i < 8; i++) known.Add(at = at - gap);
        return known;
    }

    /// <summary>Keys of certified members anywhere in the ring: farther from the object than the writer's density allows.</summary>
    private static IEnumerable<Ed25519KeyPair> FarMembers(ReceiptQuorum quorum) =>
        Keys.Where(k => (double)new System.Numerics.BigInteger(RingId.Distance(Object, RingId.FromSha256(k.PublicKey)).ToBytes(), isUnsigned: true, isBigEndian: true)
            / Math.Pow(2, RingId.Bits) > quorum.Reach(Self, DenseLeafSet())!.Value);

    private static RingId IdOf(Ed25519KeyPair key) => RingId.FromSha256(key.PublicKey);

    /// <summary>The certified keys whose ids are the <paramref name="count"/> nearest each side of the object (ring order, wrapping).</summary>
    private static List<Ed25519KeyPair> Around(int count)
    {
        var at = Keys.IndexOf(Pair.A);
        return Enumerable.Range(-count, 2 * count + 1).Select(i => Keys[((at + i) % Keys.Count + Keys.Count) % Keys.Count]).ToList();
    }

    /// <summary>The keys of <paramref name="keys"/>, closest to the object first.</summary>
    private static List<Ed25519KeyPair> ByCloseness(IEnumerable<Ed25519KeyPair> keys)
    {
        var sorted = keys.ToList();
        sorted.Sort((a, b) => RingId.CompareCloseness(Object, IdOf(a), IdOf(b)));
        return sorted;
    }

    [Fact]
    public void Receipts_of_the_members_nearest_the_object_prove_the_insert_even_when_the_writer_knows_no_node_near_it()
    {
        var quorum = new ReceiptQuorum(3, 1, CertifiedMembers.OfAuthority(Ca.PublicKey));
        var count = quorum.Count(Op, Object, Digest, [Receipt(Pair.A), Receipt(Pair.B)], Self, DenseLeafSet(), RingId.FromSha256(Pair.A.PublicKey));
        Assert.True(count.Proven);
        Assert.Equal(2, count.Counted.Count);
        Assert.Equal(2, count.Needed);
    }

    [Fact]
    public void A_root_and_its_certified_accomplices_far_from_the_object_do_not_make_a_quorum()
    {
        var quorum = new ReceiptQuorum(3, 1, CertifiedMembers.OfAuthority(Ca.PublicKey));
        var accomplices = FarMembers(quorum).Take(3).ToList();
        Assert.Equal(3, accomplices.Count);
        // The root is honest here; its two accomplices would be "the closest" the writer knows of, were it not for the density bound.
        var count = quorum.Count(Op, Object, Digest, [Receipt(Pair.A), .. accomplices.Select(k => Receipt(k))], Self, DenseLeafSet(),
            RingId.FromSha256(Pair.A.PublicKey));
        Assert.False(count.Proven);
        Assert.Single(count.Counted);
        Assert.Equal(3, count.Refused.Count(r => r.Contains("too far")));
    }

    [Fact]
    public void Receipts_without_a_certificate_of_the_ring_CA_or_for_another_request_do_not_count()
    {
        var quorum = new ReceiptQuorum(3, 1, CertifiedMembers.OfAuthority(Ca.PublicKey));
        var otherCa = CertificateAuthority.Create(RandomNumberGenerator.Create());
        var foreign = StorageReceipt.Sign(Pair.B, Op, Object, Digest, 60_000, otherCa.IssueNode(Pair.B.PublicKey, 1).Encode());
        var otherRequest = StorageReceipt.Sign(Pair.B, RequestId.New(), Object, Digest, 60_000, Ca.IssueNode(Pair.B.PublicKey, 1).Encode());
        var count = quorum.Count(Op, Object, Digest, [Receipt(Pair.A, certified: false), foreign, otherRequest], Self, DenseLeafSet(), null);
        Assert.Empty(count.Counted);
        Assert.Equal(3, count.Refused.Count);
    }

    [Fact]
    public void One_holder_counts_once_and_a_root_cannot_make_the_writer_read_without_bound()
    {
        var quorum = new ReceiptQuorum(3, 1, CertifiedMembers.OfAuthority(Ca.PublicKey));
        var flood = Enumerable.Repeat(Receipt(Pair.A), 10_000).Append(Receipt(Pair.B));
        var count = quorum.Count(Op, Object, Digest, flood, Self, DenseLeafSet(), null);
        Assert.Single(count.Counted);
        Assert.False(count.Proven);
    }

    [Fact]
    public void A_writer_that_knows_one_node_or_a_small_ring_whole_uses_the_rank_test_alone()
    {
        var quorum = new ReceiptQuorum(3, 1, UncertifiedMembers.Instance);
        Assert.Null(quorum.Reach(Self, [Self + RingId.FromFraction(1, 3), Self - RingId.FromFraction(1, 3)]));
        Assert.NotNull(quorum.Reach(Self, DenseLeafSet()));
        Assert.Null(quorum.Reach(Self, [Self + RingId.FromFraction(1, 3)]));
    }

    [Fact]
    public void A_certified_replica_that_joined_next_to_the_object_counts_before_the_writer_has_admitted_it()
    {
        // The writer's leaf set covers the object but lacks the node that just joined right next to it (it is still probing
        // it); the root knows it and forwarded to it. Its receipt counts: no node the writer knows pushes it out of the r closest.
        var quorum = new ReceiptQuorum(4, 1, CertifiedMembers.OfAuthority(Ca.PublicKey));
        var around = Around(12);
        var writer = around[3];
        var known = around.Where(k => k != Pair.B).Select(IdOf).ToList();
        var replicas = ByCloseness(around).Take(4).ToList();
        Assert.Contains(Pair.B, replicas);
        var count = quorum.Count(Op, Object, Digest, replicas.Select(k => Receipt(k)), IdOf(writer), known, IdOf(Pair.A));
        Assert.True(count.Proven, string.Join("; ", count.Refused));
        Assert.Equal(4, count.Counted.Count);
        Assert.Contains(count.Counted, r => r.Holder == IdOf(Pair.B));
    }

    [Fact]
    public void A_spare_one_place_beyond_the_r_closest_counts_and_a_known_node_farther_out_does_not()
    {
        // A root that hedges to the next-closest node when a replica is slow names a holder within the admission slack.
        var quorum = new ReceiptQuorum(4, 1, CertifiedMembers.OfAuthority(Ca.PublicKey));
        var around = Around(12);
        var byCloseness = ByCloseness(around);
        var (spare, beyond) = (byCloseness[4], byCloseness[5]);
        var writer = around[3];
        var count = quorum.Count(Op, Object, Digest, [Receipt(byCloseness[0]), Receipt(byCloseness[1]), Receipt(spare), Receipt(beyond)],
            IdOf(writer), around.Select(IdOf).ToList(), IdOf(byCloseness[0]));
        Assert.True(count.Proven);
        Assert.Contains(count.Counted, r => r.Holder == IdOf(spare));
        Assert.DoesNotContain(count.Counted, r => r.Holder == IdOf(beyond));
        Assert.Contains(count.Refused, r => r.StartsWith(IdOf(beyond).ToShortString()) && r.Contains("not among the 5 nodes closest"));
    }

    [Fact]
    public void A_far_away_certified_colluder_the_writer_never_heard_of_is_refused_while_a_near_one_counts()
    {
        // A writer far from the object knows no node near it, so the rank test passes for anyone; the density bound decides.
        var quorum = new ReceiptQuorum(3, 1, CertifiedMembers.OfAuthority(Ca.PublicKey));
        var colluder = FarMembers(quorum).MinBy(k => RingId.Distance(Object, IdOf(k)))!;
        var count = quorum.Count(Op, Object, Digest, [Receipt(colluder), Receipt(Pair.B)], Self, DenseLeafSet(), IdOf(Pair.A));
        Assert.Equal(new[] { IdOf(Pair.B) }, count.Counted.Select(r => r.Holder));
        Assert.Contains(count.Refused, r => r.StartsWith(IdOf(colluder).ToShortString()) && r.Contains("too far"));
    }

    [Fact]
    public void In_random_rings_the_density_bound_rarely_refuses_an_honest_replica_and_confines_holders_to_a_dozen_gaps_of_a_full_leaf_set()
    {
        // Ids are uniform hashes: a Poisson process, simulated here with exponential gaps of mean 1/20,000 of the ring.
        const double gap = 1.0 / 20_000;
        const int trials = 20_000, resolution = 1 << 30;
        var random = new Random(12);
        double Exponential() => -Math.Log(1 - random.NextDouble()) * gap;
        RingId At(double fraction) => RingId.FromFraction((int)(((fraction % 1) + 1) % 1 * resolution), resolution);
        var quorum = new ReceiptQuorum(4, 1, UncertifiedMembers.Instance);
        var self = At(0.25);
        var (refused, bounds) = (0, new List<double>());
        for (var trial = 0; trial < trials; trial++)
        {
            // The writer's leaf set: the 12 nodes on each side of it.
            var known = new List<RingId>();
            double cw = 0, ccw = 0;
            for (var i = 0; i < 12; i++)
            {
                known.Add(At(0.25 + (cw += Exponential())));
                known.Add(At(0.25 - (ccw += Exponential())));
            }
            // The 5th closest node (r + slack) to an id far from the writer: the 5 nearest on each side, merged.
            double right = 0, left = 0;
            var near = new List<double>();
            for (var i = 0; i < 5; i++)
            {
                near.Add(right += Exponential());
                near.Add(left += Exponential());
            }
            var fifth = near.Order().ElementAt(4);
            var reach = quorum.Reach(self, known)!.Value;
            bounds.Add(reach / gap);
            if (fifth > reach) refused++;
        }
        // The target is 1 in 10,000 replicas (2 expected here); and the bound is about 12 mean gaps, not the whole ring.
        Assert.InRange(refused, 0, 8);
        Assert.InRange(bounds.Average(), 9.0, 15.0);
    }

    [Fact]
    public void A_writer_that_knows_fewer_members_allows_holders_farther_out_since_it_knows_the_density_less_well()
    {
        var quorum = new ReceiptQuorum(3, 1, UncertifiedMembers.Instance);
        var full = DenseLeafSet();
        var half = full.Take(4).Concat(full.Skip(8).Take(4)).ToList();
        // Both views have the same mean gap; the smaller sample says less about it.
        var (reachFull, reachHalf) = (quorum.Reach(Self, full)!.Value, quorum.Reach(Self, half)!.Value);
        Assert.True(reachHalf > 1.3 * reachFull, $"{reachHalf} of the ring with 8 members, {reachFull} with 16");
    }

    [Fact]
    public void A_root_cannot_push_an_honest_replica_out_of_the_closest_by_naming_closer_holders()
    {
        // Only the writer's own view ranks holders: receipts of other holders never push one out of the r + slack closest.
        var quorum = new ReceiptQuorum(4, 1, CertifiedMembers.OfAuthority(Ca.PublicKey));
        var around = Around(12);
        var byCloseness = ByCloseness(around);
        // The writer has admitted none of the six nodes closest to the object; every one of them holds it and says so.
        var known = around.Except(byCloseness.Take(6)).Select(IdOf).ToList();
        var count = quorum.Count(Op, Object, Digest, byCloseness.Take(6).Select(k => Receipt(k)), IdOf(around[0]), known, null);
        Assert.Equal(6, count.Counted.Count);
    }
}
