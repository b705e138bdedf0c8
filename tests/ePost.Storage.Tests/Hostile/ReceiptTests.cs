using System.Collections.Concurrent;
using Akka.Actor;
using Akka.TestKit;
using ePost.Core.Crypto;
using ePost.Core.Hashing;
using ePost.Core.Ids;
using ePost.Overlay;
using ePost.Overlay.Node;
using ePost.Storage.Leases;
using ePost.Storage.Objects;
using ePost.Storage.Replication;
using ePost.Storage.Tests.Support;
using ePost.Storage.Wire;

namespace ePost.Storage.Tests.Hostile;

/// <summary>
/// Six signing ReplicaManagers (r = 4) with require-receipts on: an insert is done only on a majority of valid receipts
/// from the replica set, whatever the root claims.
/// </summary>
public sealed class ReceiptTests : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly VirtualRing _ring;
    private readonly ConcurrentQueue<(NodeHandle From, NodeHandle To, object Payload)> _seen = new();

    public ReceiptTests() : base(VirtualRing.Config("epost.storage.require-receipts = on"))
    {
        _ring = new VirtualRing(Sys, 6, signed: true);
        AwaitCondition(() => _ring.AllRegistered, TimeSpan.FromSeconds(10));
        _ring.Membership.Tap = (from, to, payload) => _seen.Enqueue((from, to, payload));
    }

    private object Ask(int node, object command)
    {
        _ring.Nodes[node].Storage.Tell(command, TestActor);
        return ExpectMsg<object>(TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// The node farthest from <paramref name="block"/> (outside the replica set and its slack, so it never holds a copy)
    /// inserts it through a root that never hears of it (the test answers in its name).
    /// </summary>
    private (int Writer, int Root, List<int> Replicas, RequestId Op) InsertThroughSilentRoot(ContentBlock block)
    {
        var replicas = _ring.ReplicaIndexes(block.Id);
        var writer = Enumerable.Range(0, 6).OrderBy(i => _ring.Nodes[i].Handle.Id, Comparer<RingId>.Create((a, b) => RingId.CompareCloseness(block.Id, a, b))).Last();
        var root = replicas[0];
        _ring.Membership.Silent.Add(_ring.Nodes[root].Handle.Id);
        _ring.Nodes[writer].Storage.Tell(new Insert(block, LeaseDuration.FromDays(30)), TestActor);
        RequestId op = default;
        AwaitCondition(() => _seen.Any(s => s.To.Id == _ring.Nodes[root].Handle.Id && s.Payload is ObjectChunk c && (op = c.Op) != default), TimeSpan.FromSeconds(10));
        return (writer, root, replicas, op);
    }

    [Fact]
    public void An_insert_is_reported_with_a_valid_receipt_from_each_replica_that_holds_it()
    {
        var block = TestObjects.Block(1);
        var inserted = Assert.IsType<Inserted>(Ask(0, new Insert(block, LeaseDuration.FromDays(30))));
        Assert.NotNull(inserted.Receipts);
        Assert.InRange(inserted.Receipts!.Count, 3, 4);
        var replicas = _ring.ReplicaIndexes(block.Id).Select(i => _ring.Nodes[i].Handle.Id).ToHashSet();
        Assert.All(inserted.Receipts, r =>
        {
            Assert.True(r.IsValid());
            Assert.Contains(r.Holder, replicas);
            Assert.Equal(block.Id, r.Object);
            Assert.Equal(Sha256.Hash(block.Encode()), r.ContentDigest);
        });
        Assert.Equal(inserted.Receipts.Count, inserted.Receipts.Select(r => r.Holder).Distinct().Count());
    }

    [Fact]
    public void A_root_that_claims_success_with_missing_replayed_or_minted_receipts_does_not_make_the_writer_report_inserted()
    {
        var block = TestObjects.Block(2);
        var (writer, root, replicas, op) = InsertThroughSilentRoot(block);
        // Every honest holder is unreachable too, so the writer's own copies to them cannot prove the insert either.
        foreach (var other in Enumerable.Range(0, 6).Where(i => i != writer)) _ring.Membership.Silent.Add(_ring.Nodes[other].Handle.Id);

        var digest = Sha256.Hash(block.Encode());
        // Keys minted for the occasion, whose ids are farther from the object than every node the writer knows.
        var minted = Enumerable.Range(1, 200).Select(i => Ed25519.FromSeed(Enumerable.Repeat((byte)i, 31).Append((byte)0xEE).ToArray()))
            .Where(k => _ring.Nodes.All(n => RingId.CompareCloseness(block.Id, n.Handle.Id, RingId.FromSha256(k.PublicKey)) < 0)).Take(3)
            .Select(k => StorageReceipt.Sign(k, op, block.Id, digest, 1000)).ToList();
        Assert.Equal(3, minted.Count);
        var realKey = Ed25519.FromSeed(Enumerable.Repeat((byte)(0x40 + replicas[1]), 32).ToArray());
        var replayed = StorageReceipt.Sign(realKey, RequestId.New(), block.Id, digest, 1000); // a real replica's receipt for another request
        var tampered = StorageReceipt.Sign(realKey, op, block.Id, digest, 1000) with { LeaseMs = 99_999_999 };
        var forged = new InsertAck(op, block.Id, 4, 3, RefusalReason.None, "ok", [.. minted, replayed, tampered]);
        _ring.Nodes[writer].Storage.Tell(new DirectDelivered(_ring.Nodes[root].Handle, forged));

        // Short of receipts, the writer asks the holders itself and waits for them until its deadline: not one forged receipt counted.
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        ((TestScheduler)Sys.Scheduler).Advance(_ring.Settings.InsertTimeout);
        var failed = ExpectMsg<InsertFailed>(TimeSpan.FromSeconds(10));
        Assert.Equal(0, failed.Acks);
        Assert.Contains("receipts", failed.Message);
    }

    [Fact]
    public void Receipts_from_keys_the_ring_CA_never_certified_do_not_count_however_close_their_ids_are_to_the_object()
    {
        var block = TestObjects.Block(5);
        var (writer, root, _, op) = InsertThroughSilentRoot(block);

        var digest = Sha256.Hash(block.Encode());
        // Keys ground until their ids are closer to the object than every real node: without certificates they would be "the replica set".
        var close = Enumerable.Range(0, 5000).Select(i => Ed25519.FromSeed(BitConverter.GetBytes(i).Concat(Enumerable.Repeat((byte)0x5A, 28)).ToArray()))
            .Where(k => _ring.Nodes.All(n => RingId.CompareCloseness(block.Id, RingId.FromSha256(k.PublicKey), n.Handle.Id) < 0)).Take(3).ToList();
        Assert.Equal(3, close.Count);
        var otherCa = CertificateAuthority.Create(System.Security.Cryptography.RandomNumberGenerator.Create());
        var uncertified = StorageReceipt.Sign(close[0], op, block.Id, digest, 1000);
        var foreign = StorageReceipt.Sign(close[1], op, block.Id, digest, 1000, otherCa.IssueNode(close[1].PublicKey, 1).Encode());
        // A real member's certificate attached to a receipt signed by another key.
        var borrowed = StorageReceipt.Sign(close[2], op, block.Id, digest, 1000, VirtualRing.Ca.IssueNode(VirtualRing.KeyOf(writer).PublicKey, 99).Encode());
        // The root's own, genuine receipt counts, but one is not a majority.
        var rootsOwn = StorageReceipt.Sign(VirtualRing.KeyOf(root), op, block.Id, digest, 1000, VirtualRing.Ca.IssueNode(VirtualRing.KeyOf(root).PublicKey, 7).Encode());
        var forged = new InsertAck(op, block.Id, 4, 3, RefusalReason.None, "ok", [uncertified, foreign, borrowed, rootsOwn]);
        _ring.Nodes[writer].Storage.Tell(new DirectDelivered(_ring.Nodes[root].Handle, forged));

        // Short of receipts, the writer sends its copy to the holders it knows; the insert is proven by certified ring
        // members that answered the writer itself (and the root's genuine signature), never by the ground keys.
        var inserted = ExpectMsg<Inserted>(TimeSpan.FromSeconds(10));
        var ring = _ring.Nodes.Select(n => n.Handle.Id).ToHashSet();
        Assert.All(inserted.Receipts!, r => Assert.Contains(r.Holder, ring));
        Assert.DoesNotContain(inserted.Receipts!, r => close.Any(k => r.Holder == RingId.FromSha256(k.PublicKey)));
        var others = inserted.Receipts!.Where(r => r.Holder != _ring.Nodes[root].Handle.Id).ToList();
        Assert.True(others.Count >= 2, $"{others.Count} holders besides the root");
        Assert.All(others, r => Assert.Contains(block.Id, Held(_ring.Nodes.FindIndex(n => n.Handle.Id == r.Holder))));
    }

    private HashSet<RingId> Held(int node)
    {
        _ring.Nodes[node].Storage.Tell(ListHeld.Instance, TestActor);
        return ExpectMsg<HeldIds>(TimeSpan.FromSeconds(10)).Ids.ToHashSet();
    }

    [Fact]
    public void A_receipt_binds_request_object_bytes_holder_and_lease()
    {
        var key = Ed25519.FromSeed(Enumerable.Repeat((byte)7, 32).ToArray());
        var request = RequestId.New();
        var block = TestObjects.Block(3);
        var digest = Sha256.Hash(block.Encode());
        var receipt = StorageReceipt.Sign(key, request, block.Id, digest, 5000);
        Assert.True(receipt.Proves(request, block.Id, digest));
        Assert.Equal(RingId.FromSha256(key.PublicKey), receipt.Holder);

        Assert.False(receipt.Proves(RequestId.New(), block.Id, digest));
        Assert.False(receipt.Proves(request, TestObjects.Block(4).Id, digest));
        Assert.False(receipt.Proves(request, block.Id, Sha256.Hash(TestObjects.Block(4).Encode())));
        Assert.False((receipt with { LeaseMs = 6000 }).IsValid());
        Assert.False((receipt with { HolderKey = TestObjects.Mallory.PublicKey }).IsValid());
        Assert.False((receipt with { Signature = new byte[64] }).IsValid());
    }

    void IDisposable.Dispose()
    {
        Shutdown();
        _ring.Dispose();
    }
}
