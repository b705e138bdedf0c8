using Akka.Actor;
using ePost.Node.Hosting;
using ePost.Storage.Glacier;
using ePost.Storage.Leases;
using ePost.Storage.Objects;

namespace ePost.Node.Tests;

/// <summary>Glacier over real Akka.Remote between ActorSystems in one process.</summary>
[Collection(HeavyTests.Name)]
public sealed class GlacierOverAkkaRemoteTests
{
    /// <summary>Fetches that hit a dead root are given up quickly, so the test does not wait out the 10 s default.</summary>
    private const string FastGlacier = """
        epost.glacier { fragment-timeout = 2s, restore-timeout = 30s, archive-timeout = 20s }
        """;

    [Fact]
    public async Task Archived_objects_are_restored_from_fragments_after_seven_of_twelve_nodes_die_at_once_and_redundancy_returns()
    {
        await using var ring = new LocalRing();
        for (var i = 0; i < 12; i++) await ring.AddAsync(FastGlacier);
        await Eventually.True(async () => await ring.WrongLeafSetsAsync() == 0, TimeSpan.FromSeconds(60),
            "leaf sets never matched the true ring", ring.DescribeWrongLeafSetsAsync);

        // A mailbox's worth of messages and a signed log head, archived by node 0 (which then dies with six others).
        var random = new Random(12);
        var objects = Enumerable.Range(0, 150).Select(i => (StoredObject)ContentBlock.Create(RandomBytes(random, 400 + random.Next(6000)))).ToList();
        var archived = await ring.Nodes[0].Glacier.Ask<object>(new Archive(objects, LeaseDuration.FromDays(60)), TimeSpan.FromSeconds(30));
        var references = Assert.IsType<Archived>(archived).Containers;
        var logEntry = references.Select(r => r.ToBytes()).ToList();
        // Each container has the code the default policy chose for its size.
        var fragments = references.Sum(r => r.N);
        await Eventually.True(async () => await HeldCountAsync(ring) == fragments, TimeSpan.FromSeconds(30),
            "not every fragment was placed", async () => $"{await HeldCountAsync(ring)} of {fragments} fragments held");

        var victims = new[] { 0, 2, 3, 5, 7, 8, 10 }.Select(i => ring.Nodes[i]).ToList();
        await Task.WhenAll(victims.Select(ring.ShutdownAsync));
        Assert.True(await MissingIndexesAsync(ring, references) > 0);
        await Eventually.True(async () => await ring.WrongLeafSetsAsync() == 0, TimeSpan.FromSeconds(60),
            "leaf sets were not repaired", ring.DescribeWrongLeafSetsAsync);

        // The references as the user's root log would hold them are all a survivor needs.
        var restored = new List<StoredObject>();
        foreach (var entry in logEntry)
        {
            var answer = await ring.Nodes[1].Glacier.Ask<object>(new Restore(ContainerRef.FromBytes(entry)), TimeSpan.FromSeconds(40));
            restored.AddRange(Assert.IsType<Restored>(answer).Objects);
        }
        Assert.Equal(objects.Count, restored.Count);
        for (var i = 0; i < objects.Count; i++) Assert.True(restored[i].SameBytesAs(objects[i]), $"object {i} differs");

        // Maintenance on the survivors puts a fragment at every position again.
        await Eventually.True(async () =>
        {
            foreach (var node in ring.Nodes) node.Glacier.Tell(MaintainNow.Instance);
            return await MissingIndexesAsync(ring, references) == 0;
        }, TimeSpan.FromSeconds(60), "redundancy was not restored among the survivors",
            async () => $"{await MissingIndexesAsync(ring, references)} fragment positions empty");
    }

    private static async Task<int> HeldCountAsync(LocalRing ring) =>
        (await Task.WhenAll(ring.Nodes.Select(n => n.Glacier.Ask<HeldFragments>(ListFragments.Instance, TimeSpan.FromSeconds(10))))).Sum(h => h.Fragments.Count);

    /// <summary>Fragment positions whose root among the running nodes does not hold the fragment.</summary>
    private static async Task<int> MissingIndexesAsync(LocalRing ring, IReadOnlyList<ContainerRef> references)
    {
        var held = new Dictionary<Core.Ids.RingId, HashSet<FragmentKey>>();
        foreach (var node in ring.Nodes)
            held[node.Identity.Id] = (await node.Glacier.Ask<HeldFragments>(ListFragments.Instance, TimeSpan.FromSeconds(10))).Fragments.ToHashSet();
        return references.Sum(r => Enumerable.Range(0, r.N)
            .Count(i => !held[ring.TrueRoot(FragmentPlacement.Position(r.ContainerId, i, r.N))].Contains(new FragmentKey(r.ContainerId, i))));
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
