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

namespace ePost.Storage.Tests.Hostile;

/// <summary>
/// Six ReplicaManagers (r = 4) on a loopback overlay and virtual time, with an eavesdropping member that sees every
/// request and answers it first: a reply counts only from the peer asked, for the key asked, while it is outstanding.
/// </summary>
public sealed class ForgedReplyTests : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly VirtualRing _ring;
    private readonly ConcurrentQueue<(NodeHandle From, NodeHandle To, object Payload)> _seen = new();

    public ForgedReplyTests() : base(VirtualRing.Config())
    {
        _ring = new VirtualRing(Sys, 6);
        AwaitCondition(() => _ring.AllRegistered, TimeSpan.FromSeconds(10));
        _ring.Membership.Tap = (from, to, payload) => _seen.Enqueue((from, to, payload));
    }

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    private object Ask(int node, object command)
    {
        _ring.Nodes[node].Storage.Tell(command, TestActor);
        return ExpectMsg<object>(TimeSpan.FromSeconds(10));
    }

    /// <summary>The next message the node answers is its status: nothing it decided before it (an Inserted, a NotFound) is waiting in the mailbox.</summary>
    private StorageStatus StatusAfterEverythingBefore(int node) => Assert.IsType<StorageStatus>(Ask(node, GetStorageStatus.Instance));

    private NodeHandle Handle(int node) => _ring.Nodes[node].Handle;

    private List<int> NonReplicas(RingId id) => Enumerable.Range(0, _ring.Nodes.Count).Except(_ring.ReplicaIndexes(id)).ToList();

    /// <summary>Waits for <paramref name="from"/> to send a request matching <paramref name="match"/> to <paramref name="to"/>, and returns it.</summary>
    private T Overheard<T>(int from, int to, Func<T, bool>? match = null) where T : class
    {
        T? found = null;
        AwaitCondition(() =>
        {
            found = _seen.Where(s => s.From.Id == Handle(from).Id && s.To.Id == Handle(to).Id).Select(s => s.Payload).OfType<T>()
                .FirstOrDefault(p => match?.Invoke(p) ?? true);
            return found is not null;
        }, TimeSpan.FromSeconds(10));
        return found!;
    }

    [Fact]
    public void An_insert_ack_forged_by_a_non_replica_or_a_replica_that_was_not_asked_does_not_make_the_writer_report_inserted()
    {
        var block = TestObjects.Block(1);
        var replicas = _ring.ReplicaIndexes(block.Id);
        var (writer, forger) = (NonReplicas(block.Id)[0], NonReplicas(block.Id)[1]);
        var root = replicas[0];
        _ring.Membership.Silent.Add(Handle(root).Id); // the root never hears of it: nothing is stored anywhere

        _ring.Nodes[writer].Storage.Tell(new Insert(block, LeaseDuration.FromDays(30)), TestActor);
        var request = Overheard<ObjectChunk>(writer, root, c => c.Purpose == TransferPurpose.Insert);
        var forged = new InsertAck(request.Op, block.Id, 4, 3, RefusalReason.None, "ok");
        _ring.Nodes[writer].Storage.Tell(new DirectDelivered(Handle(forger), forged));
        _ring.Nodes[writer].Storage.Tell(new DirectDelivered(Handle(replicas[1]), forged));

        Assert.Equal(2, StatusAfterEverythingBefore(writer).RepliesRefused);
        Scheduler.Advance(_ring.Settings.InsertTimeout);
        Assert.Equal(0, ExpectMsg<InsertFailed>(TimeSpan.FromSeconds(10)).Acks);
    }

    [Fact]
    public void A_forged_not_held_status_from_a_peer_that_was_not_asked_neither_ends_the_lookup_nor_steers_it()
    {
        var block = TestObjects.Block(2);
        Assert.IsType<Inserted>(Ask(0, new Insert(block, LeaseDuration.FromDays(30))));
        var (reader, forger) = (NonReplicas(block.Id)[0], NonReplicas(block.Id)[1]);
        var root = _ring.ReplicaIndexes(block.Id)[0];
        _ring.Membership.Silent.Add(Handle(root).Id);

        _ring.Nodes[reader].Storage.Tell(new Lookup(block.Id), TestActor);
        var request = Overheard<FetchRequest>(reader, root);
        // "Not held, and the replicas are me": a reader that believed it would ask the forger and hear "not found".
        _ring.Nodes[reader].Storage.Tell(new DirectDelivered(Handle(forger), new FetchStatus(request.Op, block.Id, false, [Handle(forger)])));

        Assert.Equal(1, StatusAfterEverythingBefore(reader).RepliesRefused);
        Assert.DoesNotContain(_seen, s => s.From.Id == Handle(reader).Id && s.To.Id == Handle(forger).Id && s.Payload is FetchRequest);
        Scheduler.Advance(_ring.Settings.LookupTimeout);
        Assert.False(ExpectMsg<NotFound>(TimeSpan.FromSeconds(10)).Definitive);

        _ring.Membership.Silent.Remove(Handle(root).Id);
        Assert.True(Assert.IsType<Found>(Ask(reader, new Lookup(block.Id))).Object.SameBytesAs(block));
    }

    [Fact]
    public void A_status_for_another_key_under_the_right_request_id_is_dropped()
    {
        var block = TestObjects.Block(3);
        Assert.IsType<Inserted>(Ask(0, new Insert(block, LeaseDuration.FromDays(30))));
        var reader = NonReplicas(block.Id)[0];
        var root = _ring.ReplicaIndexes(block.Id)[0];
        _ring.Membership.Silent.Add(Handle(root).Id);

        _ring.Nodes[reader].Storage.Tell(new Lookup(block.Id), TestActor);
        var request = Overheard<FetchRequest>(reader, root);
        _ring.Nodes[reader].Storage.Tell(new DirectDelivered(Handle(root), new FetchStatus(request.Op, TestObjects.Block(4).Id, false, [])));

        Assert.Equal(1, StatusAfterEverythingBefore(reader).RepliesRefused);
        _ring.Membership.Silent.Remove(Handle(root).Id);
        Scheduler.Advance(_ring.Settings.LookupTimeout);
        Assert.False(ExpectMsg<NotFound>(TimeSpan.FromSeconds(10)).Definitive);
    }

    [Fact]
    public void A_forged_root_answer_for_another_key_does_not_wedge_the_key_asked()
    {
        var block = TestObjects.Block(5);
        Assert.IsType<Inserted>(Ask(0, new Insert(block, LeaseDuration.FromDays(30))));
        var reader = NonReplicas(block.Id)[0];
        lock (_ring.Membership) _ring.Membership.ForgedRoots[block.Id] = TestObjects.Block(6).Id;

        _ring.Nodes[reader].Storage.Tell(new Lookup(block.Id), TestActor);
        // The overlay's answer (for the other key) has arrived and was dropped; the lookup still waits for its own.
        AwaitAssert(() => Assert.Equal(1, StatusAfterEverythingBefore(reader).RepliesRefused), TimeSpan.FromSeconds(10));
        Scheduler.Advance(_ring.Settings.LookupTimeout);
        ExpectMsg<NotFound>(TimeSpan.FromSeconds(10));

        // The key is asked about afresh, not queued behind an answer that never comes.
        Assert.True(Assert.IsType<Found>(Ask(reader, new Lookup(block.Id))).Object.SameBytesAs(block));
    }

    [Fact]
    public void A_replica_ack_counts_once_and_only_from_a_replica_the_root_forwarded_to()
    {
        var block = TestObjects.Block(7);
        var replicas = _ring.ReplicaIndexes(block.Id);
        var root = replicas[0];
        var forger = NonReplicas(block.Id)[0];
        // The other replicas (and the spare the root turns to) never hear of the copy; only the root holds it, which is
        // one of the three acks needed.
        foreach (var other in Enumerable.Range(0, _ring.Nodes.Count).Where(i => i != root)) _ring.Membership.Silent.Add(Handle(other).Id);

        _ring.Nodes[root].Storage.Tell(new Insert(block, LeaseDuration.FromDays(30)), TestActor);
        var copy = Overheard<ObjectChunk>(root, replicas[1], c => c.Purpose == TransferPurpose.Replicate);
        var ack = new ReplicaAck(copy.Op, block.Id, true, RefusalReason.None, "stored");
        _ring.Nodes[root].Storage.Tell(new DirectDelivered(Handle(forger), ack));
        _ring.Nodes[root].Storage.Tell(new DirectDelivered(Handle(forger), ack));
        // A real replica's ack counts once, however often it is repeated.
        _ring.Nodes[root].Storage.Tell(new DirectDelivered(Handle(replicas[1]), ack));
        _ring.Nodes[root].Storage.Tell(new DirectDelivered(Handle(replicas[1]), ack));

        Assert.Equal(3, StatusAfterEverythingBefore(root).RepliesRefused);
        // The root gives its count at 0.8 of the insert timeout, before the writer's own timer.
        Scheduler.Advance(_ring.Settings.InsertTimeout * 0.8);
        Assert.Equal(2, ExpectMsg<InsertFailed>(TimeSpan.FromSeconds(10)).Acks);
    }

    void IDisposable.Dispose()
    {
        Shutdown();
        _ring.Dispose();
    }
}
