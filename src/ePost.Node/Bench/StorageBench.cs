using System.Diagnostics;
using System.Text.Json;
using ePost.Core.Ids;
using ePost.Core.Time;
using ePost.Node.Cli;
using ePost.Storage.Leases;
using ePost.Storage.Local;
using ePost.Storage.Objects;
using ePost.Storage.Repair;

namespace ePost.Node.Bench;

/// <summary><c>epost bench store-local</c>: durable puts, verified gets, scrub and collection on a real node database, and Bloom filter build/probe.</summary>
public static class StorageBench
{
    /// <summary>The benchmark's verb.</summary>
    public static Verb Verb => new("store-local", "local object store and Bloom filter throughput (one node, no ring)", Run);

    private static Task<int> Run(IReadOnlyList<string> args, CancellationToken cancel)
    {
        var options = Arguments.Parse(args);
        var count = options.Int("objects", 2000, 1, 1_000_000);
        var size = options.Int("size", 1024, 1, 1_000_000);
        var bloomKeys = options.Int("bloom-keys", 100_000, 1, 10_000_000);
        options.RejectUnknown();

        var dir = Path.Combine(Path.GetTempPath(), "epost-bench-storage-" + Guid.NewGuid().ToString("N"));
        try
        {
            var random = new Random(1);
            var blocks = Enumerable.Range(0, count).Select(_ =>
            {
                var bytes = new byte[size];
                random.NextBytes(bytes);
                return ContentBlock.Create(bytes);
            }).ToList();

            using var store = SqliteObjectStore.Open(dir, new ObjectStoreSettings(Math.Max(size + 64, 1024), long.MaxValue));
            var clock = LeaseClock.Resume(new StopwatchMonotonicClock(), store);
            var lease = clock.ExpiryFor(LeaseDuration.FromDays(21));

            var put = Time(() => { foreach (var b in blocks) Expect(store.Put(b, lease).Outcome == PutOutcome.Stored); });
            var get = Time(() => { foreach (var b in blocks) Expect(store.Get(b.Id).Outcome == GetOutcome.Found); });
            var scrub = Time(() =>
            {
                RingId? cursor = null;
                do { cursor = store.Scrub(cursor, 1000).Next; } while (cursor is not null);
            });
            var collect = Time(() => { while (store.CollectExpired(new LeaseInstant(long.MaxValue), 1000) > 0) { } });

            var ids = Enumerable.Range(0, bloomKeys).Select(_ => RingId.Random(random)).ToList();
            var filter = BloomFilter.Create(bloomKeys, seed: 7);
            var build = Time(() => { foreach (var id in ids) filter.Add(id); });
            var probe = Time(() => { foreach (var id in ids) Expect(filter.MightContain(id)); });

            var result = new
            {
                bench = "store-local",
                objects = count,
                objectBytes = size,
                durablePutsPerSecond = Math.Round(count / put.TotalSeconds),
                putMeanMicroseconds = Math.Round(put.TotalMicroseconds / count),
                verifiedGetsPerSecond = Math.Round(count / get.TotalSeconds),
                scrubObjectsPerSecond = Math.Round(count / scrub.TotalSeconds),
                collectObjectsPerSecond = Math.Round(count / collect.TotalSeconds),
                bloomKeys,
                bloomBytes = filter.Encode().Length,
                bloomAddsPerSecond = Math.Round(bloomKeys / build.TotalSeconds),
                bloomProbesPerSecond = Math.Round(bloomKeys / probe.TotalSeconds),
            };
            Console.WriteLine(JsonSerializer.Serialize(result));
            return Task.FromResult(0);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    private static TimeSpan Time(Action action)
    {
        var start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start);
    }

    private static void Expect(bool condition)
    {
        if (!condition) throw new InvalidOperationException("The benchmark saw an unexpected store result.");
    }
}
