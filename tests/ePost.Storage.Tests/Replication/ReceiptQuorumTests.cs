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

    [Fact]
    public void Receipts_of_the_members_nearest_the_object_prove_the_insert_even_when_the_writer_knows_no_node_near_it()
    {
        var quorum = new ReceiptQuorum(3, CertifiedMembers.OfAuthority(Ca.PublicKey));
        var count = quorum.Count(Op, Object, Digest, [Receipt(Pair.A), Receipt(Pair.B)], Self, DenseLeafSet(), RingId.FromSha256(Pair.A.PublicKey));
        Assert.True(count.Proven);
        Assert.Equal(2, count.Counted.Count);
        Assert.Equal(2, count.Needed);
    }

    [Fact]
    public void A_root_and_its_certified_accomplices_far_from_the_object_do_not_make_a_quorum()
    {
        var quorum = new ReceiptQuorum(3, CertifiedMembers.OfAuthority(Ca.PublicKey));
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
        var quorum = new ReceiptQuorum(3, CertifiedMembers.OfAuthority(Ca.PublicKey));
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
        var quorum = new ReceiptQuorum(3, CertifiedMembers.OfAuthority(Ca.PublicKey));
        var flood = Enumerable.Repeat(Receipt(Pair.A), 10_000).Append(Receipt(Pair.B));
        var count = quorum.Count(Op, Object, Digest, flood, Self, DenseLeafSet(), null);
        Assert.Single(count.Counted);
        Assert.False(count.Proven);
    }

    [Fact]
    public void A_writer_whose_view_spans_a_quarter_of_the_ring_uses_the_closeness_rule_alone()
    {
        var quorum = new ReceiptQuorum(3, UncertifiedMembers.Instance);
        Assert.Null(quorum.Reach(Self, [Self + RingId.FromFraction(1, 3), Self - RingId.FromFraction(1, 3)]));
        Assert.NotNull(quorum.Reach(Self, DenseLeafSet()));
        Assert.Null(quorum.Reach(Self, [Self + RingId.FromFraction(1, 3)]));
    }
}
