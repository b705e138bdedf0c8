using ePost.Core.Ids;
using ePost.Storage.Objects;

namespace ePost.Node.Tests;

/// <summary>The replicated store over real Akka.Remote between ActorSystems in one process.</summary>
[Collection(HeavyTests.Name)]
public sealed class ReplicatedStorageTests
{
    [Fact]
    public async Task Objects_survive_three_simultaneous_failures_among_twenty_nodes_and_regain_r_replicas()
    {
        await using var ring = new LocalRing();
        for (var i = 0; i < 20; i++) await ring.AddAsync(StorageRing.FastRepair);
        await Eventually.True(async () => await ring.WrongLeafSetsAsync() == 0, TimeSpan.FromSeconds(60),
            "leaf sets never matched the true ring", ring.DescribeWrongLeafSetsAsync);

        var random = new Random(4);
        var blocks = Enumerable.Range(0, 1000).Select(i => ContentBlock.Create(RandomBytes(random, 100 + i % 300))).ToList();
        foreach (var batch in blocks.Chunk(100))
            await Task.WhenAll(batch.Select(b => ring.Nodes[random.Next(ring.Nodes.Count)].InsertAsync(b)));
        var ids = blocks.Select(b => b.Id).ToList();
        await Eventually.True(async () => await ring.UnderReplicatedAsync(ids, 4) == 0, TimeSpan.FromSeconds(20),
            "inserted objects did not all reach their r replicas");

        var victims = new[] { ring.Nodes[4], ring.Nodes[9], ring.Nodes[15] };
        await Task.WhenAll(victims.Select(ring.ShutdownAsync));
        await Eventually.True(async () => await ring.WrongLeafSetsAsync() == 0, TimeSpan.FromSeconds(30),
            "leaf sets were not repaired", ring.DescribeWrongLeafSetsAsync);

        foreach (var batch in blocks.Chunk(100))
        {
            var reads = await Task.WhenAll(batch.Select(b => ring.Nodes[random.Next(ring.Nodes.Count)].LookupAsync(b.Id)));
            for (var i = 0; i < batch.Length; i++)
                Assert.True(reads[i] is not null && reads[i]!.SameBytesAs(batch[i]), $"object {batch[i].Id.ToShortString()} was not readable");
        }
        await Eventually.True(async () => await ring.UnderReplicatedAsync(ids, 4) == 0, TimeSpan.FromSeconds(30),
            "repair did not restore r live replicas of every object",
            async () => $"{await ring.UnderReplicatedAsync(ids, 4)} objects under-replicated");
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
