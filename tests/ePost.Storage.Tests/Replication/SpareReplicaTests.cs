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
using ePost.Storage.Transfer;
using ePost.Storage.Wire;

namespace ePost.Storage.Tests.Replication;

/// <summary>
/// Six ReplicaManagers (r = 4, three acknowledgements needed, admission-slack 1) on a loopback overlay and virtual
/// time: when replicas refuse the root's copy (their leaf sets differ from the root's) or stay silent (dead, not yet
/// noticed), the root places it on the next closest node instead of failing the writer's insert.
/// </summary>
public sealed class SpareReplicaTests : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly VirtualRing _ring;
    private readonly ConcurrentQueue<(NodeHandle From, NodeHandle To, object Payload)> _seen = new();

    public SpareReplicaTests() : base(VirtualRing.Config())
    {
        _ring = new VirtualRing(Sys, 6);
        AwaitCondition(() => _ring.AllRegistered, TimeSpan.FromSeconds(10));
        _ring.Membership.Tap = (from, to, payload) => _seen.Enqueue((from, to, payload));
    }

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    private NodeHandle Handle(int node) => _ring.Nodes[node].Handle;

    /// <summary>Node indexes by closeness to <paramref name="id"/>: the r replicas, then the spare, then the rest.</summary>
    private List<int> ByCloseness(RingId id) => Enumerable.Range(0, _ring.Nodes.Count)
        .OrderBy(i => Handle(i).Id, Comparer<RingId>.Create((a, b) => RingId.CompareCloseness(id, a, b))).ToList();

    private HashSet<RingId> Held(int node)
    {
        _ring.Nodes[node].Storage.Tell(ListHeld.Instance, TestActor);
        return ExpectMsg<HeldIds>(TimeSpan.FromSeconds(10)).Ids.ToHashSet();
    }

    private bool Sent<T>(int from, int to, Func<T, bool>? match = null) =>
        _seen.Any(s => s.From.Id == Handle(from).Id && s.To.Id == Handle(to).Id && s.Payload is T p && (match?.Invoke(p) ?? true));

    [Fact]
    public void A_replica_that_refuses_as_not_responsible_is_replaced_by_the_next_closest_node_at_once()
    {
        var block = TestObjects.Block(41);
        var order = ByCloseness(block.Id);
        var (root, refuser, spare, farthest) = (order[0], order[1], order[4], order[5]);
        // The refuser's answer is the test's: it is told the copy but never gets to answer for itself. Another replica
        // is dead, so without the spare only two of the three acknowledgements needed could come.
        _ring.Membership.Silent.Add(Handle(refuser).Id);
        _ring.Membership.Silent.Add(Handle(order[2]).Id);

        _ring.Nodes[root].Storage.Tell(new Insert(block, LeaseDuration.FromDays(30)), TestActor);
        AwaitCondition(() => Sent<ObjectChunk>(root, refuser, c => c.Purpose == TransferPurpose.Replicate), TimeSpan.FromSeconds(10));
        var copy = _seen.Select(s => s.Payload).OfType<ObjectChunk>().First(c => c.Purpose == TransferPurpose.Replicate);
        Assert.False(Sent<ObjectChunk>(root, spare), "the spare is asked only when a replica falls away");
        _ring.Nodes[root].Storage.Tell(new DirectDelivered(Handle(refuser),
            new ReplicaAck(copy.Op, block.Id, false, RefusalReason.NotResponsible, "not a replica by this node's leaf set")));

        // No timer has run: the spare was asked as soon as the refusal came, and its copy makes the third acknowledgement.
        var inserted = ExpectMsg<Inserted>(TimeSpan.FromSeconds(10));
        Assert.Equal(3, inserted.Acks);
        Assert.Contains(block.Id, Held(spare));
        Assert.DoesNotContain(block.Id, Held(farthest));
    }

    [Fact]
    public void An_insert_whose_replicas_stay_silent_is_stored_on_the_next_closest_node_before_the_deadline()
    {
        var block = TestObjects.Block(42);
        var order = ByCloseness(block.Id);
        var (root, replica, spare) = (order[0], order[1], order[4]);
        // Two of the four replicas are dead but not yet noticed: the root and one replica make two of the three needed.
        _ring.Membership.Silent.Add(Handle(order[2]).Id);
        _ring.Membership.Silent.Add(Handle(order[3]).Id);

        _ring.Nodes[root].Storage.Tell(new Insert(block, LeaseDuration.FromDays(30)), TestActor);
        AwaitCondition(() => Held(replica).Contains(block.Id), TimeSpan.FromSeconds(10));
        Assert.False(Sent<ObjectChunk>(root, spare));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        // At 0.4 of the insert timeout the root hedges to the spare; the writer hears success well before its deadline.
        Scheduler.Advance(_ring.Settings.InsertTimeout * 0.4);
        var inserted = ExpectMsg<Inserted>(TimeSpan.FromSeconds(10));
        Assert.Equal(3, inserted.Acks);
        Assert.Contains(block.Id, Held(spare));
    }

    [Fact]
    public void With_every_other_node_silent_the_insert_still_fails_with_the_count_at_the_roots_deadline()
    {
        var block = TestObjects.Block(43);
        var root = ByCloseness(block.Id)[0];
        foreach (var other in Enumerable.Range(0, _ring.Nodes.Count).Where(i => i != root)) _ring.Membership.Silent.Add(Handle(other).Id);

        _ring.Nodes[root].Storage.Tell(new Insert(block, LeaseDuration.FromDays(30)), TestActor);
        AwaitCondition(() => Held(root).Contains(block.Id), TimeSpan.FromSeconds(10));
        Scheduler.Advance(_ring.Settings.InsertTimeout * 0.8);
        Assert.Equal(1, ExpectMsg<InsertFailed>(TimeSpan.FromSeconds(10)).Acks);
    }

    void IDisposable.Dispose()
    {
        Shutdown();
        _ring.Dispose();
    }
}
