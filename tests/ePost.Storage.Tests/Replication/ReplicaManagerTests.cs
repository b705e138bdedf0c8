using System.Buffers.Binary;
using Akka.Actor;
using Akka.TestKit;
using ePost.Core.Ids;
using ePost.Overlay.Node;
using ePost.Storage.Leases;
using ePost.Storage.Local;
using ePost.Storage.Objects;
using ePost.Storage.Replication;
using ePost.Storage.Tests.Support;
using ePost.Storage.Transfer;
using ePost.Storage.Wire;

namespace ePost.Storage.Tests.Replication;

/// <summary>Five ReplicaManagers (r = 4) on a loopback overlay and virtual time: the storage API's contract.</summary>
public sealed class ReplicaManagerTests : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly VirtualRing _ring;

    public ReplicaManagerTests() : base(VirtualRing.Config("epost.storage { max-object-bytes = 1048576, node-budget-bytes = 3000000 }"))
    {
        _ring = new VirtualRing(Sys, 5);
        AwaitCondition(() => _ring.AllRegistered, TimeSpan.FromSeconds(10));
    }

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    private object Ask(int node, object command)
    {
        _ring.Nodes[node].Storage.Tell(command, TestActor);
        return ExpectMsg<object>(TimeSpan.FromSeconds(10));
    }

    private HashSet<RingId> Held(int node) => ((HeldIds)Ask(node, ListHeld.Instance)).Ids.ToHashSet();

    [Fact]
    public void An_insert_is_acknowledged_by_the_replicas_and_readable_from_every_node()
    {
        var block = TestObjects.Block(1);
        var inserted = Assert.IsType<Inserted>(Ask(0, new Insert(block, LeaseDuration.FromDays(21))));
        Assert.True(inserted.Acks >= 3);
        for (var i = 0; i < 5; i++) Assert.True(((Found)Ask(i, new Lookup(block.Id))).Object.SameBytesAs(block));
        var holders = Enumerable.Range(0, 5).Where(i => Held(i).Contains(block.Id)).ToList();
        Assert.Equal(_ring.ReplicaIndexes(block.Id).Order(), holders.Order());
    }

    [Fact]
    public void An_object_of_700_KB_crosses_in_verified_chunks()
    {
        var block = TestObjects.Block(2, 700_000);
        Assert.IsType<Inserted>(Ask(1, new Insert(block, LeaseDuration.FromDays(1))));
        var reader = Enumerable.Range(0, 5).First(i => !_ring.ReplicaIndexes(block.Id).Contains(i));
        Assert.True(((Found)Ask(reader, new Lookup(block.Id))).Object.SameBytesAs(block));
    }

    [Fact]
    public void A_lookup_of_an_unknown_id_answers_not_found()
    {
        Assert.IsType<NotFound>(Ask(2, new Lookup(TestObjects.Block(99).Id)));
    }

    [Fact]
    public void Stale_versions_bad_signatures_and_non_owners_are_refused_with_their_reason()
    {
        Assert.IsType<Inserted>(Ask(0, new Insert(TestObjects.Head(2), LeaseDuration.FromDays(1))));

        var stale = Assert.IsType<InsertFailed>(Ask(1, new Insert(TestObjects.Head(1), LeaseDuration.FromDays(1))));
        Assert.Equal(RefusalReason.StaleVersion, stale.Reason);

        var good = TestObjects.Head(3);
        var forged = new SignedObject(good.Id, good.OwnerKey, good.Label, good.Version, "forged"u8.ToArray(), good.Signature);
        Assert.Equal(RefusalReason.BadSignature, Assert.IsType<InsertFailed>(Ask(2, new Insert(forged, LeaseDuration.FromDays(1)))).Reason);

        var byMallory = SignedObject.Create(TestObjects.Mallory, "inbox", 9, "takeover"u8);
        var intruder = new SignedObject(good.Id, byMallory.OwnerKey, byMallory.Label, byMallory.Version, byMallory.Payload, byMallory.Signature);
        Assert.Equal(RefusalReason.IdNotDerivedFromOwner, Assert.IsType<InsertFailed>(Ask(3, new Insert(intruder, LeaseDuration.FromDays(1)))).Reason);

        var newest = (SignedObject)((Found)Ask(4, new Lookup(good.Id, Newest: true))).Object;
        Assert.Equal(2UL, newest.Version);
    }

    [Fact]
    public void A_replica_that_missed_updates_converges_to_the_newest_version()
    {
        var v1 = TestObjects.Head(1);
        Assert.IsType<Inserted>(Ask(0, new Insert(v1, LeaseDuration.FromDays(1))));
        var replicas = _ring.ReplicaIndexes(v1.Id);
        var absent = replicas[^1];
        _ring.Membership.Down.Add(_ring.Nodes[absent].Handle.Id);
        Assert.IsType<Inserted>(Ask(replicas[0], new Insert(TestObjects.Head(2), LeaseDuration.FromDays(1))));
        _ring.Membership.Down.Remove(_ring.Nodes[absent].Handle.Id);

        // Its own copy is stale; a reader asking every replica gets v2 and brings the stale replica up to date.
        var read = (SignedObject)((Found)Ask(absent, new Lookup(v1.Id, Newest: true))).Object;
        Assert.Equal(2UL, read.Version);
        AwaitAssert(() => Assert.Equal(2UL, ((SignedObject)((Found)Ask(absent, new Lookup(v1.Id))).Object).Version), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Oversized_objects_and_ids_that_do_not_match_content_are_refused_before_they_travel()
    {
        var huge = TestObjects.Block(3, 1_100_000);
        Assert.Equal(RefusalReason.TooLarge, Assert.IsType<InsertFailed>(Ask(0, new Insert(huge, LeaseDuration.FromDays(1)))).Reason);
        var lying = new ContentBlock(TestObjects.Block(4).Id, TestObjects.Block(5).Data);
        Assert.Equal(RefusalReason.HashMismatch, Assert.IsType<InsertFailed>(Ask(0, new Insert(lying, LeaseDuration.FromDays(1)))).Reason);
        Assert.Equal(2, ((StorageStatus)Ask(0, GetStorageStatus.Instance)).TransfersRejected);
        Assert.Empty(Held(0));
    }

    [Fact]
    public void Unknown_kinds_and_lying_ids_from_the_wire_are_refused_counted_and_answered()
    {
        var encoded = TestObjects.Block(6).Encode();
        encoded[0] = 0x7F;
        var peer = _ring.Nodes[1].Handle;
        foreach (var chunk in Chunker.Split(RequestId.New(), TransferPurpose.Replicate, 1000, encoded, 49152))
            _ring.Nodes[0].Storage.Tell(new DirectDelivered(peer, chunk));
        var lying = new ContentBlock(TestObjects.Block(7).Id, TestObjects.Block(8).Data).Encode();
        foreach (var chunk in Chunker.Split(RequestId.New(), TransferPurpose.Replicate, 1000, lying, 49152))
            _ring.Nodes[0].Storage.Tell(new DirectDelivered(peer, chunk));

        var stats = ((StorageStatus)Ask(0, GetStorageStatus.Instance)).Store;
        Assert.Equal(1, stats.RefusalsFor(RefusalReason.UnknownKind));
        Assert.Equal(1, stats.RefusalsFor(RefusalReason.HashMismatch));
        Assert.Empty(Held(0));
    }

    [Fact]
    public void A_flood_beyond_the_node_budget_is_refused_with_over_budget_and_the_nodes_keep_serving()
    {
        var results = Enumerable.Range(0, 8).Select(i => Ask(i % 5, new Insert(TestObjects.Block(100 + i, 900_000), LeaseDuration.FromDays(1)))).ToList();
        var failed = results.OfType<InsertFailed>().ToList();
        Assert.NotEmpty(failed);
        Assert.All(failed, f => Assert.True(f.Reason == RefusalReason.OverBudget || f.Message.Contains("budget"), f.ToString()));
        Assert.True(Enumerable.Range(0, 5).Sum(i => ((StorageStatus)Ask(i, GetStorageStatus.Instance)).Store.RefusalsFor(RefusalReason.OverBudget)) > 0);
        var small = TestObjects.Block(9);
        Assert.IsType<Inserted>(Ask(0, new Insert(small, LeaseDuration.FromDays(1))));
    }

    [Fact]
    public void A_copy_corrupted_on_disk_is_detected_on_read_dropped_and_restored_from_a_replica()
    {
        var block = TestObjects.Block(10, 2000);
        Assert.IsType<Inserted>(Ask(0, new Insert(block, LeaseDuration.FromDays(1))));
        var victim = _ring.ReplicaIndexes(block.Id)[1];
        AwaitAssert(() => Assert.Contains(block.Id, Held(victim)), TimeSpan.FromSeconds(5));
        RawDatabase.FlipEncodedByte(Path.Combine(_ring.Nodes[victim].DataDir, "node.db"), block.Id.ToBytes(), 500);

        Assert.True(((Found)Ask(victim, new Lookup(block.Id))).Object.SameBytesAs(block));
        Assert.Equal(1, ((StorageStatus)Ask(victim, GetStorageStatus.Instance)).Store.CorruptDropped);
        AwaitAssert(() => Assert.Contains(block.Id, Held(victim)), TimeSpan.FromSeconds(5));
    }
}
