using System.Buffers.Binary;
using Akka.TestKit;
using ePost.Core.Ids;
using ePost.Storage.Leases;
using ePost.Storage.Local;
using ePost.Storage.Replication;
using ePost.Storage.Tests.Support;

namespace ePost.Storage.Tests.Replication;

/// <summary>Leases across replicas on virtual time: durations on the wire, each node's own counter, no wall clock.</summary>
public sealed class ReplicatedLeaseTests : Akka.TestKit.Xunit2.TestKit
{
    public ReplicatedLeaseTests() : base(VirtualRing.Config()) { }

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    /// <summary>
    /// Runs the scenario on a five-node ring whose lease counters start where <paramref name="startCounters"/> say
    /// (what a node's persisted clock would hold after running a long time, or after a wall clock two years off
    /// had been used, if it ever were); returns which objects each node still holds.
    /// </summary>
    private List<HashSet<RingId>> RunScenario(long[] startCounters, out List<RingId> renewed, out List<RingId> lapsed)
    {
        using var ring = new VirtualRing(Sys, 5, (i, dir) =>
        {
            using var store = SqliteObjectStore.Open(dir);
            var bytes = new byte[8];
            BinaryPrimitives.WriteInt64BigEndian(bytes, startCounters[i]);
            store.WriteMeta(LeaseClock.MetaKey, bytes);
        });
        AwaitCondition(() => ring.AllRegistered, TimeSpan.FromSeconds(10));
        var blocks = Enumerable.Range(0, 20).Select(i => TestObjects.Block(500 + i)).ToList();
        foreach (var block in blocks)
        {
            ring.Nodes[block.Id.GetHashCode() & 3].Storage.Tell(new Insert(block, LeaseDuration.FromDays(1)), TestActor);
            ExpectMsg<Inserted>();
        }
        AwaitCondition(() => blocks.All(b => ring.ReplicaIndexes(b.Id).All(i => Holds(ring, i, b.Id))), TimeSpan.FromSeconds(10));

        Scheduler.Advance(TimeSpan.FromHours(20));
        renewed = blocks.Take(10).Select(b => b.Id).ToList();
        lapsed = blocks.Skip(10).Select(b => b.Id).ToList();
        foreach (var id in renewed)
        {
            ring.Nodes[4].Storage.Tell(new Renew(id, LeaseDuration.FromDays(3)), TestActor);
            Assert.True(ExpectMsg<Renewed>().Holders >= 3);
        }
        // A shorter renewal never shortens a lease.
        ring.Nodes[0].Storage.Tell(new Renew(renewed[0], LeaseDuration.FromMilliseconds(1)), TestActor);
        ExpectMsg<Renewed>();

        Scheduler.Advance(TimeSpan.FromDays(2));
        var held = ring.Nodes.Select((_, i) => HeldBy(ring, i)).ToList();
        foreach (var node in ring.Nodes) Sys.Stop(node.Storage);
        return held;
    }

    private bool Holds(VirtualRing ring, int node, RingId id) => HeldBy(ring, node).Contains(id);

    private HashSet<RingId> HeldBy(VirtualRing ring, int node)
    {
        ring.Nodes[node].Storage.Tell(ListHeld.Instance, TestActor);
        return ExpectMsg<HeldIds>().Ids.ToHashSet();
    }

    [Fact]
    public void Unrenewed_objects_are_collected_after_their_lease_and_renewed_ones_survive_whatever_each_node_counter_reads()
    {
        const long twoYears = 2L * 365 * 24 * 3600 * 1000;
        var aligned = RunScenario([0, 0, 0, 0, 0], out var renewed, out var lapsed);
        var skewed = RunScenario([0, twoYears, 2 * twoYears, 17, twoYears / 3], out _, out _);

        Assert.Equal(aligned.Select(h => h.Order()), skewed.Select(h => h.Order()));
        var survivors = aligned.SelectMany(h => h).ToHashSet();
        Assert.All(renewed, id => Assert.Contains(id, survivors));
        Assert.All(lapsed, id => Assert.DoesNotContain(id, survivors));
    }
}
