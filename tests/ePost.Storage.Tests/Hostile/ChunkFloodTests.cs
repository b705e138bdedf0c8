using Akka.Actor;
using ePost.Overlay.Node;
using ePost.Storage.Leases;
using ePost.Storage.Replication;
using ePost.Storage.Tests.Support;
using ePost.Storage.Transfer;
using ePost.Storage.Wire;

namespace ePost.Storage.Tests.Hostile;

/// <summary>A member that opens transfers it never finishes: its share of the buffer is bounded, and honest transfers still go through.</summary>
public sealed class ChunkFloodTests : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly VirtualRing _ring;

    public ChunkFloodTests() : base(VirtualRing.Config())
    {
        _ring = new VirtualRing(Sys, 5);
        AwaitCondition(() => _ring.AllRegistered, TimeSpan.FromSeconds(10));
    }

    private object Ask(int node, object command)
    {
        _ring.Nodes[node].Storage.Tell(command, TestActor);
        return ExpectMsg<object>(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void A_peer_opening_every_transfer_slot_it_can_gets_only_its_share_and_a_multi_chunk_insert_still_succeeds()
    {
        var block = TestObjects.Block(1, 200_000); // five chunks
        var replicas = _ring.ReplicaIndexes(block.Id);
        var root = replicas[0];
        var writer = Enumerable.Range(0, 5).Except(replicas).Single();
        var flooder = _ring.Nodes[replicas[1]].Handle;

        // 100 transfers of 1 MB announced, one chunk each, never completed.
        var filler = new byte[1_000_000];
        for (var i = 0; i < 100; i++)
            _ring.Nodes[root].Storage.Tell(new DirectDelivered(flooder, Chunker.Split(RequestId.New(), TransferPurpose.Replicate, 1000, filler, 49152)[0]));
        var refused = Assert.IsType<StorageStatus>(Ask(root, GetStorageStatus.Instance)).TransfersRejected;
        Assert.Equal(100 - _ring.Settings.MaxPendingTransfersPerPeer, refused);

        Assert.IsType<Inserted>(Ask(writer, new Insert(block, LeaseDuration.FromDays(1))));
    }

    void IDisposable.Dispose()
    {
        Shutdown();
        _ring.Dispose();
    }
}
