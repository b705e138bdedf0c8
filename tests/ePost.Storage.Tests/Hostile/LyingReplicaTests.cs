using System.Collections.Concurrent;
using Akka.Actor;
using Akka.TestKit;
using ePost.Core.Ids;
using ePost.Overlay;
using ePost.Overlay.Node;
using ePost.Storage.Leases;
using ePost.Storage.Replication;
using ePost.Storage.Tests.Support;
using ePost.Storage.Transfer;
using ePost.Storage.Wire;

namespace ePost.Storage.Tests.Hostile;

/// <summary>
/// A root that is asked and lies: "not held, and there are no other replicas", or an old signed head that it really
/// once held. Readers ask the replicas they know themselves, say "not found" only on a majority of the replica set,
/// and never take a version older than one they verified before.
/// </summary>
public sealed class LyingReplicaTests : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly VirtualRing _ring;
    private readonly ConcurrentQueue<(NodeHandle From, NodeHandle To, object Payload)> _seen = new();

    public LyingReplicaTests() : base(VirtualRing.Config())
    {
        _ring = new VirtualRing(Sys, 6, signed: true);
        AwaitCondition(() => _ring.AllRegistered, TimeSpan.FromSeconds(10));
        _ring.Membership.Tap = (from, to, payload) => _seen.Enqueue((from, to, payload));
    }

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    private object Ask(int node, object command)
    {
        _ring.Nodes[node].Storage.Tell(command, TestActor);
        return ExpectMsg<object>(TimeSpan.FromSeconds(10));
    }

    private NodeHandle Handle(int node) => _ring.Nodes[node].Handle;

    private FetchRequest Overheard(int from, int to)
    {
        FetchRequest? found = null;
        AwaitCondition(() => (found = _seen.Where(s => s.From.Id == Handle(from).Id && s.To.Id == Handle(to).Id).Select(s => s.Payload)
            .OfType<FetchRequest>().LastOrDefault()) is not null, TimeSpan.FromSeconds(10));
        return found!;
    }

    [Fact]
    public void A_root_that_says_not_found_and_names_no_replicas_does_not_hide_an_object_its_replicas_hold()
    {
        var block = TestObjects.Block(1);
        Assert.IsType<Inserted>(Ask(0, new Insert(block, LeaseDuration.FromDays(30))));
        var replicas = _ring.ReplicaIndexes(block.Id);
        var root = replicas[0];
        var reader = Enumerable.Range(0, 6).Except(replicas).First();
        _ring.Membership.Silent.Add(Handle(root).Id); // the real root's store never answers; the liar speaks in its name

        _ring.Nodes[reader].Storage.Tell(new Lookup(block.Id), TestActor);
        var request = Overheard(reader, root);
        _ring.Nodes[reader].Storage.Tell(new DirectDelivered(Handle(root), new FetchStatus(request.Op, block.Id, false, [])));

        Assert.True(ExpectMsg<Found>(TimeSpan.FromSeconds(10)).Object.SameBytesAs(block));
    }

    [Fact]
    public void Not_found_is_definitive_only_when_a_majority_of_the_replicas_say_so()
    {
        var never = TestObjects.Block(2);
        var replicas = _ring.ReplicaIndexes(never.Id);
        var reader = Enumerable.Range(0, 6).Except(replicas).First();
        Assert.True(Assert.IsType<NotFound>(Ask(reader, new Lookup(never.Id))).Definitive);

        // With two of the four replicas silent, the root's and one other's "no" are not a majority: the reader cannot tell.
        _ring.Membership.Silent.Add(Handle(replicas[2]).Id);
        _ring.Membership.Silent.Add(Handle(replicas[3]).Id);
        _seen.Clear();
        _ring.Nodes[reader].Storage.Tell(new Lookup(never.Id), TestActor);
        Overheard(reader, replicas[0]);
        Scheduler.Advance(_ring.Settings.LookupTimeout);
        Assert.False(ExpectMsg<NotFound>(TimeSpan.FromSeconds(10)).Definitive);
    }

    [Fact]
    public void A_reader_that_verified_version_2_never_accepts_version_1_again_even_when_only_a_liar_answers()
    {
        var v1 = TestObjects.Head(1);
        var v2 = TestObjects.Head(2);
        Assert.IsType<Inserted>(Ask(0, new Insert(v1, LeaseDuration.FromDays(30))));
        Assert.IsType<Inserted>(Ask(0, new Insert(v2, LeaseDuration.FromDays(30))));
        var replicas = _ring.ReplicaIndexes(v1.Id);
        var root = replicas[0];
        var reader = Enumerable.Range(0, 6).Except(replicas).First();
        Assert.Equal(2UL, ((ePost.Storage.Objects.SignedObject)Assert.IsType<Found>(Ask(reader, new Lookup(v1.Id, Newest: true))).Object).Version);

        // Every replica is silent; the root's name serves the old head it once genuinely held, signed by its owner.
        foreach (var replica in replicas) _ring.Membership.Silent.Add(Handle(replica).Id);
        _seen.Clear();
        _ring.Nodes[reader].Storage.Tell(new Lookup(v1.Id, Newest: true), TestActor);
        var request = Overheard(reader, root);
        foreach (var chunk in Chunker.Split(request.Op, TransferPurpose.Lookup, 60_000, v1.Encode(), 49152))
            _ring.Nodes[reader].Storage.Tell(new DirectDelivered(Handle(root), chunk));
        _ring.Nodes[reader].Storage.Tell(new DirectDelivered(Handle(root), new FetchStatus(request.Op, v1.Id, true, [])));
        Scheduler.Advance(_ring.Settings.LookupTimeout);

        var missing = ExpectMsg<NotFound>(TimeSpan.FromSeconds(10));
        Assert.False(missing.Definitive);
        Assert.Contains("version 2", missing.Reason);
    }

    void IDisposable.Dispose()
    {
        Shutdown();
        _ring.Dispose();
    }
}
