using System.Collections.Concurrent;
using Akka.Actor;
using Akka.TestKit;
using ePost.Core.Ids;
using ePost.Overlay;
using ePost.Overlay.Node;
using ePost.Storage.Leases;
using ePost.Storage.Objects;
using ePost.Storage.Replication;
using ePost.Storage.Tests.Support;
using ePost.Storage.Wire;

namespace ePost.Storage.Tests.Replication;

/// <summary>
/// Four signing ReplicaManagers (r = 4, admission-slack 1) with require-receipts on, whose views of the ring differ as
/// they do while a node joins or dies: the writer counts receipts by its own view and asks the holders it is short of
/// itself, so an insert converges instead of failing at once.
/// </summary>
public sealed class StaleViewReceiptTests : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly VirtualRing _ring;
    private readonly ConcurrentQueue<(NodeHandle From, NodeHandle To, object Payload)> _seen = new();

    public StaleViewReceiptTests() : base(VirtualRing.Config("epost.storage.require-receipts = on"))
    {
        _ring = new VirtualRing(Sys, 4, signed: true);
        AwaitCondition(() => _ring.AllRegistered, TimeSpan.FromSeconds(10));
        _ring.Membership.Tap = (from, to, payload) => _seen.Enqueue((from, to, payload));
    }

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    private NodeHandle Handle(int node) => _ring.Nodes[node].Handle;

    /// <summary>Node indexes by closeness to <paramref name="id"/>; all four are replicas, the first is the root.</summary>
    private List<int> ByCloseness(RingId id) => Enumerable.Range(0, _ring.Nodes.Count)
        .OrderBy(i => Handle(i).Id, Comparer<RingId>.Create((a, b) => RingId.CompareCloseness(id, a, b))).ToList();

    /// <summary>Makes <paramref name="node"/>'s store see exactly <paramref name="members"/> as its leaf set.</summary>
    private void View(int node, params int[] members)
    {
        _ring.Nodes[node].Storage.Tell(new LeafSetChanged(Handle(node), members.Select(Handle).ToArray()));
        // A request to the same store is handled after the change: once it is answered, the view is in place.
        _ring.Nodes[node].Storage.Tell(ListHeld.Instance, TestActor);
        ExpectMsg<HeldIds>(TimeSpan.FromSeconds(10));
    }

    private HashSet<RingId> Held(int node)
    {
        _ring.Nodes[node].Storage.Tell(ListHeld.Instance, TestActor);
        return ExpectMsg<HeldIds>(TimeSpan.FromSeconds(10)).Ids.ToHashSet();
    }

    [Fact]
    public void A_root_that_knows_one_node_fewer_than_the_writer_and_loses_a_replica_does_not_fail_the_insert_at_once()
    {
        var block = TestObjects.Block(61);
        var order = ByCloseness(block.Id);
        var (root, refuser, unknown, writer) = (order[0], order[1], order[2], order[3]);
        // The root has not admitted one node yet; a replica it does know refuses (its view differs). The root then
        // holds two receipts, a majority of the three replicas it knows; the writer knows four and needs three.
        View(root, writer, refuser);
        _ring.Membership.Silent.Add(Handle(refuser).Id);

        _ring.Nodes[writer].Storage.Tell(new Insert(block, LeaseDuration.FromDays(30)), TestActor);
        AwaitCondition(() => _seen.Any(s => s.From.Id == Handle(root).Id && s.To.Id == Handle(refuser).Id && s.Payload is ObjectChunk), TimeSpan.FromSeconds(10));
        var copy = _seen.Where(s => s.From.Id == Handle(root).Id).Select(s => s.Payload).OfType<ObjectChunk>().First();
        _ring.Nodes[root].Storage.Tell(new DirectDelivered(Handle(refuser),
            new ReplicaAck(copy.Op, block.Id, false, RefusalReason.NotResponsible, "not a replica by this node's leaf set")));

        // No timer has run: the writer asked the holder the root did not know, and its receipt makes the third.
        var inserted = ExpectMsg<Inserted>(TimeSpan.FromSeconds(10));
        Assert.Equal(3, inserted.Acks);
        Assert.Contains(Handle(unknown).Id, inserted.Receipts!.Select(r => r.Holder));
        Assert.Contains(block.Id, Held(unknown));
        Assert.Equal(3, inserted.Receipts!.Select(r => r.Holder).Distinct().Count());
    }

    [Fact]
    public void A_writer_that_knows_one_node_fewer_than_the_root_counts_the_receipt_of_the_node_it_does_not_know()
    {
        var block = TestObjects.Block(62);
        var order = ByCloseness(block.Id);
        var (root, dead, unknown, writer) = (order[0], order[1], order[2], order[3]);
        View(writer, root, dead);
        _ring.Membership.Silent.Add(Handle(dead).Id);

        _ring.Nodes[writer].Storage.Tell(new Insert(block, LeaseDuration.FromDays(30)), TestActor);

        // The root, the writer and the node the writer has not met hold it: three receipts, the writer's majority.
        var inserted = ExpectMsg<Inserted>(TimeSpan.FromSeconds(10));
        Assert.Equal(3, inserted.Acks);
        Assert.Equal(new[] { root, unknown, writer }.Select(i => Handle(i).Id).ToHashSet(), inserted.Receipts!.Select(r => r.Holder).ToHashSet());
    }

    [Fact]
    public void A_writer_short_of_receipts_finishes_when_its_leaf_set_drops_the_dead_nodes_without_another_timer()
    {
        var block = TestObjects.Block(63);
        var order = ByCloseness(block.Id);
        var (root, writer) = (order[0], order[3]);
        // Two replicas are dead and nobody has noticed: the root and the writer hold it, one short of three.
        _ring.Membership.Silent.Add(Handle(order[1]).Id);
        _ring.Membership.Silent.Add(Handle(order[2]).Id);

        _ring.Nodes[writer].Storage.Tell(new Insert(block, LeaseDuration.FromDays(30)), TestActor);
        AwaitCondition(() => Held(writer).Contains(block.Id), TimeSpan.FromSeconds(10));
        Scheduler.Advance(_ring.Settings.InsertTimeout * 0.8);
        // The root gave up on the dead replicas; the writer asked them itself and waits, without failing the insert.
        AwaitCondition(() => _seen.Any(s => s.From.Id == Handle(writer).Id && s.To.Id == Handle(order[1]).Id && s.Payload is ObjectChunk), TimeSpan.FromSeconds(10));
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        // The writer's overlay declares them dead: by its new view two receipts are a majority of the replica set.
        _ring.Nodes[writer].Storage.Tell(new LeafSetChanged(Handle(writer), [Handle(root)]));
        var inserted = ExpectMsg<Inserted>(TimeSpan.FromSeconds(10));
        Assert.Equal(2, inserted.Acks);
    }

    [Fact]
    public void A_writer_short_of_receipts_still_fails_at_its_deadline_when_no_holder_answers()
    {
        var block = TestObjects.Block(64);
        var order = ByCloseness(block.Id);
        var (root, writer) = (order[0], order[3]);
        _ring.Membership.Silent.Add(Handle(order[1]).Id);
        _ring.Membership.Silent.Add(Handle(order[2]).Id);

        _ring.Nodes[writer].Storage.Tell(new Insert(block, LeaseDuration.FromDays(30)), TestActor);
        AwaitCondition(() => Held(root).Contains(block.Id) && Held(writer).Contains(block.Id), TimeSpan.FromSeconds(10));
        Scheduler.Advance(_ring.Settings.InsertTimeout * 0.8);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Scheduler.Advance(_ring.Settings.InsertTimeout * 0.2);

        var failed = ExpectMsg<InsertFailed>(TimeSpan.FromSeconds(10));
        Assert.Equal(2, failed.Acks);
        Assert.Contains("2 of the 3 valid replica receipts", failed.Message);
        Assert.Contains("holders asked directly", failed.Message);
    }

    void IDisposable.Dispose()
    {
        Shutdown();
        _ring.Dispose();
    }
}
