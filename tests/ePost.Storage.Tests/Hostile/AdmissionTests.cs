using Akka.Actor;
using Akka.TestKit;
using ePost.Core.Ids;
using ePost.Overlay;
using ePost.Overlay.Node;
using ePost.Storage.Leases;
using ePost.Storage.Objects;
using ePost.Storage.Replication;
using ePost.Storage.Tests.Support;
using ePost.Storage.Transfer;
using ePost.Storage.Wire;

namespace ePost.Storage.Tests.Hostile;

/// <summary>
/// Six ReplicaManagers (r = 4, objects up to 100 KB, 300 KB per writer) and a member driven by the test: nodes store
/// only what they replicate, grant at most max-lease, and hold at most a quota for any one writer.
/// </summary>
public sealed class AdmissionTests : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly VirtualRing _ring;
    private readonly NodeHandle _mallory = new(RingId.Random(new Random(99)), "loop://mallory", 1);

    public AdmissionTests() : base(VirtualRing.Config("epost.storage { max-object-bytes = 100000, writer-quota-bytes = 300000, max-lease = 60d }"))
    {
        _ring = new VirtualRing(Sys, 6);
        AwaitCondition(() => _ring.AllRegistered, TimeSpan.FromSeconds(10));
        // Joins after the stores learnt their leaf sets, and is never anyone's root: it only sends and hears answers.
        lock (_ring.Membership) _ring.Membership.Nodes[_mallory.Id] = (_mallory, TestActor);
    }

    private object Ask(int node, object command)
    {
        _ring.Nodes[node].Storage.Tell(command, TestActor);
        return ExpectMsg<object>(TimeSpan.FromSeconds(10));
    }

    private HashSet<RingId> Held(int node) => ((HeldIds)Ask(node, ListHeld.Instance)).Ids.ToHashSet();

    /// <summary>Mallory sends an object straight to a node, as an insert (for a root) or a replica copy, and returns the node's answer.</summary>
    private T SendAsMallory<T>(int node, TransferPurpose purpose, StoredObject value, LeaseDuration lease) where T : IStorageMessage
    {
        foreach (var chunk in Chunker.Split(RequestId.New(), purpose, lease.Milliseconds, value.Encode(), 49152))
            _ring.Nodes[node].Storage.Tell(new DirectDelivered(_mallory, chunk));
        return Assert.IsType<T>(FishForMessage<DirectDelivered>(d => d.Payload is T, TimeSpan.FromSeconds(10)).Payload);
    }

    /// <summary>The lease a node still has on an object, as it tells a reader.</summary>
    private long RemainingLeaseMs(int node, RingId id)
    {
        _ring.Nodes[node].Storage.Tell(new DirectDelivered(_mallory, new FetchRequest(RequestId.New(), id, Repair: false)));
        var chunk = Assert.IsType<ObjectChunk>(FishForMessage<DirectDelivered>(d => d.Payload is ObjectChunk, TimeSpan.FromSeconds(10)).Payload);
        Assert.True(Assert.IsType<FetchStatus>(ExpectMsg<DirectDelivered>(TimeSpan.FromSeconds(10)).Payload).Held);
        return chunk.LeaseMs;
    }

    /// <summary>Blocks of <paramref name="length"/> bytes whose replicas include node <paramref name="node"/> (or exclude it).</summary>
    private IEnumerable<ContentBlock> BlocksReplicatedBy(int node, bool replicated, int length = 100, Func<List<int>, bool>? also = null) =>
        Enumerable.Range(1000, 1000).Select(seed => TestObjects.Block(seed, length))
            .Where(b => _ring.ReplicaIndexes(b.Id).Contains(node) == replicated && (also?.Invoke(_ring.ReplicaIndexes(b.Id)) ?? true));

    [Fact]
    public void A_node_refuses_to_store_an_object_it_is_not_a_replica_of_whoever_sends_it()
    {
        var block = BlocksReplicatedBy(0, replicated: false).First();

        var copy = SendAsMallory<ReplicaAck>(0, TransferPurpose.Replicate, block, LeaseDuration.FromDays(1));
        Assert.False(copy.Held);
        Assert.Equal(RefusalReason.NotResponsible, copy.Reason);
        var insert = SendAsMallory<InsertAck>(0, TransferPurpose.Insert, block, LeaseDuration.FromDays(1));
        Assert.Equal(0, insert.Acks);
        Assert.Equal(RefusalReason.NotResponsible, insert.Reason);
        Assert.DoesNotContain(block.Id, Held(0));
    }

    [Fact]
    public void Leases_longer_than_max_lease_are_clipped_on_insert_and_on_renewal_and_only_held_objects_renew()
    {
        var block = TestObjects.Block(1);
        Assert.IsType<Inserted>(Ask(0, new Insert(block, LeaseDuration.FromDays(3650))));
        var sixtyDays = LeaseDuration.FromDays(60).Milliseconds;
        foreach (var replica in _ring.ReplicaIndexes(block.Id))
        {
            var remaining = RemainingLeaseMs(replica, block.Id);
            Assert.InRange(remaining, sixtyDays - 60_000, sixtyDays);
        }

        ((TestScheduler)Sys.Scheduler).Advance(TimeSpan.FromDays(10));
        Assert.IsType<Renewed>(Ask(1, new Renew(block.Id, LeaseDuration.FromDays(365))));
        Assert.InRange(RemainingLeaseMs(_ring.ReplicaIndexes(block.Id)[0], block.Id), sixtyDays - 60_000, sixtyDays);

        Assert.IsType<RenewFailed>(Ask(1, new Renew(TestObjects.Block(2).Id, LeaseDuration.FromDays(30))));
        Assert.All(Enumerable.Range(0, 6), i => Assert.DoesNotContain(TestObjects.Block(2).Id, Held(i)));
    }

    [Fact]
    public void A_writer_over_its_quota_gets_a_temporary_refusal_and_other_writers_are_still_stored()
    {
        // Four 90 KB blocks with the same root; the quota (300 KB) holds three of them.
        const int root = 2;
        var blocks = BlocksReplicatedBy(root, replicated: true, 90_000, replicas => replicas[0] == root).Take(5).ToList();
        for (var i = 0; i < 3; i++)
            Assert.Equal(RefusalReason.None, SendAsMallory<InsertAck>(root, TransferPurpose.Insert, blocks[i], LeaseDuration.FromDays(1)).Reason);
        var over = SendAsMallory<InsertAck>(root, TransferPurpose.Insert, blocks[3], LeaseDuration.FromDays(1));
        Assert.Equal(RefusalReason.OverQuota, over.Reason);
        Assert.Contains("try again", over.Message);
        Assert.DoesNotContain(blocks[3].Id, Held(root));

        // Another writer's insert through the same root is stored by every replica.
        var writer = Enumerable.Range(0, 6).First(i => i != root);
        Assert.IsType<Inserted>(Ask(writer, new Insert(blocks[4], LeaseDuration.FromDays(1))));
        Assert.Equal(1, ((StorageStatus)Ask(root, GetStorageStatus.Instance)).Store.RefusalsFor(RefusalReason.OverQuota));
    }

    [Fact]
    public void Copies_sent_straight_to_a_replica_by_a_node_outside_the_replica_set_are_charged_to_that_node()
    {
        const int replica = 4;
        var blocks = BlocksReplicatedBy(replica, replicated: true, 90_000).Take(4).ToList();
        for (var i = 0; i < 3; i++) Assert.True(SendAsMallory<ReplicaAck>(replica, TransferPurpose.Replicate, blocks[i], LeaseDuration.FromDays(1)).Held);
        var over = SendAsMallory<ReplicaAck>(replica, TransferPurpose.Replicate, blocks[3], LeaseDuration.FromDays(1));
        Assert.False(over.Held);
        Assert.Equal(RefusalReason.OverQuota, over.Reason);
    }

    [Fact]
    public void A_writer_whose_inserts_exceed_its_quota_on_a_root_hears_over_quota_not_over_budget()
    {
        const int root = 3;
        var writer = Enumerable.Range(0, 6).First(i => i != root);
        var blocks = BlocksReplicatedBy(root, replicated: true, 90_000, replicas => replicas[0] == root && !replicas.Contains(writer)).Take(4).ToList();
        for (var i = 0; i < 3; i++) Assert.IsType<Inserted>(Ask(writer, new Insert(blocks[i], LeaseDuration.FromDays(1))));
        var refused = Assert.IsType<InsertFailed>(Ask(writer, new Insert(blocks[3], LeaseDuration.FromDays(1))));
        Assert.Equal(RefusalReason.OverQuota, refused.Reason);
    }

    void IDisposable.Dispose()
    {
        Shutdown();
        _ring.Dispose();
    }
}
