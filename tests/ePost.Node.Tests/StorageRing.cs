using Akka.Actor;
using ePost.Core.Ids;
using ePost.Node.Hosting;
using ePost.Storage.Leases;
using ePost.Storage.Objects;
using ePost.Storage.Replication;

namespace ePost.Node.Tests;

/// <summary>Storage operations against the nodes of a <see cref="LocalRing"/>.</summary>
public static class StorageRing
{
    /// <summary>Storage tuned for a loopback test ring: repair rounds every second instead of every minute.</summary>
    public const string FastRepair = """
        epost.storage {
          insert-timeout = 5s
          lookup-timeout = 5s
          repair { interval = 1s, settle = 300ms, fetch-tick = 20ms, fetch-batch = 100 }
        }
        """;

    /// <summary>Inserts through <paramref name="node"/>; fails the test on anything but <see cref="Inserted"/>.</summary>
    public static async Task<Inserted> InsertAsync(this NodeHost node, StoredObject value, LeaseDuration? lease = null)
    {
        var answer = await node.Storage.Ask<object>(new Insert(value, lease ?? LeaseDuration.FromDays(21)), TimeSpan.FromSeconds(20));
        return answer as Inserted ?? throw new Xunit.Sdk.XunitException($"insert of {value.Id.ToShortString()} failed: {answer}");
    }

    /// <summary>Looks an object up through <paramref name="node"/>: the verified object, or null when not found.</summary>
    public static async Task<StoredObject?> LookupAsync(this NodeHost node, RingId id, bool newest = false) =>
        await node.Storage.Ask<object>(new Lookup(id, newest), TimeSpan.FromSeconds(20)) is Found found ? found.Object : null;

    /// <summary>The ids <paramref name="node"/> holds.</summary>
    public static async Task<HashSet<RingId>> HeldAsync(this NodeHost node) =>
        (await node.Storage.Ask<HeldIds>(ListHeld.Instance, TimeSpan.FromSeconds(20))).Ids.ToHashSet();

    /// <summary>How many of <paramref name="ids"/> are not held by all r live nodes closest to them.</summary>
    public static async Task<int> UnderReplicatedAsync(this LocalRing ring, IEnumerable<RingId> ids, int r)
    {
        var held = await Task.WhenAll(ring.Nodes.Select(async n => (n.Identity.Id, Held: await n.HeldAsync())));
        var byNode = held.ToDictionary(h => h.Id, h => h.Held);
        var live = byNode.Keys.ToList();
        return ids.Count(id =>
        {
            var replicas = live.OrderBy(n => n, Comparer<RingId>.Create((a, b) => RingId.CompareCloseness(id, a, b))).Take(r);
            return !replicas.All(n => byNode[n].Contains(id));
        });
    }
}
