using System.Diagnostics;
using Akka.Actor;
using ePost.Core.Ids;
using ePost.Storage.Glacier;
using ePost.Storage.Leases;
using ePost.Storage.Objects;
using ePost.Storage.Tests.Support;
using Xunit.Abstractions;

namespace ePost.Storage.Tests.Glacier;

/// <summary>
/// Issue 8's specification on virtual time: 200 nodes archive 5,000 messages with the default code (48, 5); 60% of
/// the nodes fail at the same instant and never return; every message is rebuilt from the survivors' fragments,
/// and maintenance restores every container's full redundancy among the survivors.
/// </summary>
public sealed class CorrelatedFailureSpecification(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(GlacierRing.Config()), IDisposable
{
    private GlacierRing? _ring;

    [Fact]
    public async Task Every_message_survives_sixty_percent_of_200_nodes_failing_at_once_and_redundancy_is_restored()
    {
        var watch = Stopwatch.StartNew();
        var ring = _ring = new GlacierRing(Sys, 200, seed: 8);
        AwaitCondition(() => ring.AllRegistered, TimeSpan.FromSeconds(30));
        var random = new Random(8);
        var messages = Enumerable.Range(0, 5000).Select(_ => (StoredObject)ContentBlock.Create(RandomBytes(random, 500 + random.Next(3500)))).ToList();

        // Each batch is archived by a random node; the aggregator packs it into one container (at most 100 messages, 1 MiB).
        var batches = messages.Chunk(100).ToList();
        var archived = await Task.WhenAll(batches.Select(batch =>
            ring.Nodes[random.Next(ring.Nodes.Count)].Glacier.Ask<object>(new Archive(batch, LeaseDuration.FromDays(60)), TimeSpan.FromSeconds(60))));
        var references = archived.Select(a => Assert.IsType<Archived>(a)).SelectMany(a => a.Containers).ToList();
        Assert.Equal(50, references.Count);
        await Eventually(() => MisplacedFragments(references) == 0, "every fragment reached its position's root");
        output.WriteLine($"archived {messages.Count} messages in {references.Count} containers: {watch.Elapsed}");

        // 60% of the nodes fail at the same instant, for good.
        var victims = ring.Nodes.OrderBy(_ => random.Next()).Take(120).ToList();
        ring.Fail(victims);
        var survivors = ring.Live.ToList();
        Assert.Equal(80, survivors.Count);
        var missingAfterFailure = MisplacedFragments(references);
        output.WriteLine($"after the failure {missingAfterFailure} of {references.Sum(r => r.N)} fragment positions are empty");

        // Every message is rebuilt from the survivors' fragments alone.
        var restored = new Dictionary<RingId, StoredObject>();
        foreach (var group in references.Chunk(50))
        {
            var answers = await Task.WhenAll(group.Select(r =>
                survivors[random.Next(survivors.Count)].Glacier.Ask<object>(new Restore(r), TimeSpan.FromSeconds(60))));
            foreach (var answer in answers)
                foreach (var value in Assert.IsType<Restored>(answer).Objects) restored[value.Id] = value;
        }
        Assert.All(messages, m => Assert.True(restored.TryGetValue(m.Id, out var copy) && copy.SameBytesAs(m), $"message {m.Id.ToShortString()} was lost"));
        output.WriteLine($"restored all messages: {watch.Elapsed}");

        // Maintenance rounds (rate-limited per node) until every position's new root holds its fragment again.
        var rounds = 0;
        int misplaced;
        while ((misplaced = MisplacedFragments(references)) > 0)
        {
            output.WriteLine($"round {rounds + 1}: {misplaced} positions empty");
            Assert.True(++rounds <= 5, $"{MisplacedFragments(references)} fragments still missing after {rounds - 1} maintenance rounds");
            foreach (var node in survivors) node.Glacier.Tell(MaintainNow.Instance);
            await Eventually(async () => (await Task.WhenAll(survivors.Select(n => n.Glacier.Ask<GlacierStatus>(GetGlacierStatus.Instance))))
                .All(s => !s.MaintenanceRunning), "maintenance rounds finished");
        }
        var rebuilt = (await Task.WhenAll(survivors.Select(n => n.Glacier.Ask<GlacierStatus>(GetGlacierStatus.Instance)))).Sum(s => s.Rebuilt);
        output.WriteLine($"redundancy restored in {rounds} round(s), {rebuilt} fragments rebuilt: {watch.Elapsed}");
        Assert.Equal(missingAfterFailure, rebuilt);
    }

    /// <summary>Fragment positions whose live root does not hold the fragment, over all containers.</summary>
    private int MisplacedFragments(IReadOnlyList<ContainerRef> references)
    {
        var ring = _ring!;
        var live = ring.Live.ToList();
        var held = live.ToDictionary(n => n.Handle.Id,
            n => n.Glacier.Ask<HeldFragments>(ListFragments.Instance, TimeSpan.FromSeconds(30)).Result.Fragments.ToHashSet());
        var ids = live.Select(n => n.Handle.Id).Order().ToArray();
        var missing = 0;
        foreach (var reference in references)
            for (var i = 0; i < reference.N; i++)
            {
                var position = FragmentPlacement.Position(reference.ContainerId, i, reference.N);
                if (!held[Root(ids, position)].Contains(new FragmentKey(reference.ContainerId, i))) missing++;
            }
        return missing;
    }

    /// <summary>The closest of the sorted live ids to <paramref name="key"/>: its successor or predecessor on the ring.</summary>
    private static RingId Root(RingId[] sorted, RingId key)
    {
        var at = Array.BinarySearch(sorted, key);
        if (at >= 0) return sorted[at];
        var next = ~at % sorted.Length;
        var previous = (~at - 1 + sorted.Length) % sorted.Length;
        return RingId.IsCloser(key, sorted[previous], sorted[next]) ? sorted[previous] : sorted[next];
    }

    private static async Task Eventually(Func<bool> condition, string what) => await Eventually(() => Task.FromResult(condition()), what);

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), $"not reached in 60 s: {what}");
            await Task.Delay(50);
        }
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    void IDisposable.Dispose()
    {
        Shutdown();
        _ring?.Dispose();
    }
}
