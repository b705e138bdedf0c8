using ePost.Core.Ids;

namespace ePost.Node.Tests;

/// <summary>The ring over real Akka.Remote between ActorSystems in one process.</summary>
[Collection(HeavyTests.Name)]
public sealed class RingOverAkkaRemoteTests
{
    [Fact]
    public async Task Twelve_nodes_joined_one_by_one_route_every_key_to_its_root_and_heal_after_two_shutdowns()
    {
        await using var ring = new LocalRing();
        for (var i = 0; i < 12; i++) await ring.AddAsync();

        await Eventually.True(async () => await ring.WrongLeafSetsAsync() == 0, TimeSpan.FromSeconds(60),
            "leaf sets never matched the true ring", ring.DescribeWrongLeafSetsAsync);
        await AllLookupsReachTheTrueRoot(ring, 1000, seed: 1);

        await ring.ShutdownAsync(ring.Nodes[3]);
        await ring.ShutdownAsync(ring.Nodes[7]);

        // Detected first-hand by the neighbours, then verified by every other member after the push.
        var bound = ring.Settings.WorstCaseDetection * 2 + ring.Settings.ProbeInterval + TimeSpan.FromSeconds(5);
        await Eventually.True(async () => await ring.WrongLeafSetsAsync() == 0, bound,
            "leaf sets were not repaired within the configured detection time", ring.DescribeWrongLeafSetsAsync);
        await AllLookupsReachTheTrueRoot(ring, 1000, seed: 2);
    }

    private static async Task AllLookupsReachTheTrueRoot(LocalRing ring, int count, int seed)
    {
        var random = new Random(seed);
        var requests = Enumerable.Range(0, count)
            .Select(_ => (From: ring.Nodes[random.Next(ring.Nodes.Count)], Key: RingId.Random(random)))
            .ToList();
        foreach (var batch in requests.Chunk(100))
        {
            var answers = await Task.WhenAll(batch.Select(r => r.From.FindRootAsync(r.Key)));
            for (var i = 0; i < batch.Length; i++)
                Assert.Equal(ring.TrueRoot(batch[i].Key), answers[i].Root.Id);
        }
    }
}

/// <summary>Tests that start many ActorSystems or processes run one at a time, so two cores are not oversubscribed.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeavyTests
{
    /// <summary>The collection name.</summary>
    public const string Name = "heavy multi-node tests";
}
