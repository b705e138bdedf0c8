using System.Diagnostics;
using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using ePost.Core.Ids;
using ePost.Node.Cli;
using ePost.Node.Hosting;
using ePost.Storage.Leases;
using ePost.Storage.Objects;
using ePost.Storage.Replication;

namespace ePost.Node.Bench;

/// <summary>
/// <c>epost bench storage --nodes 10</c>: a loopback ring of real NodeHosts over Akka.Remote; insert and lookup
/// throughput and latency for 4 KB and 1 MB objects, then the time until every object is again on its r closest
/// live nodes after one node is lost.
/// </summary>
public static class RingStorageBench
{
    /// <summary>The benchmark's verb.</summary>
    public static Verb Verb => new("storage", "replicated store on a loopback ring: insert/lookup latency, repair time: [--nodes 10] [--tls on|off]", RunAsync);

    private const string RingConfig = """
        epost.overlay {
          liveness { probe-interval = 500ms, probe-timeout = 300ms, min-timeout = 250ms, max-timeout = 1s, probe-retries = 2, dead-recheck-interval = 2s }
          join { timeout = 3s, retry-initial = 250ms, retry-max = 2s }
        }
        epost.storage.repair { interval = 1s, settle = 300ms, fetch-tick = 20ms, fetch-batch = 100 }
        akka.loglevel = ERROR
        """;

    private static async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancel)
    {
        var options = Arguments.Parse(args);
        var count = options.Int("nodes", 10, 5, 13);
        var small = options.Int("small-objects", 500, 1, 100_000);
        var large = options.Int("large-objects", 30, 1, 1000);
        var tls = options.Get("tls") ?? "on";
        options.RejectUnknown();
        var ca = Core.Crypto.CertificateAuthority.Create(System.Security.Cryptography.RandomNumberGenerator.Create());

        var root = Directory.CreateTempSubdirectory("epost-bench-ring-").FullName;
        var nodes = new List<NodeHost>();
        string line;
        try
        {
            for (var i = 0; i < count; i++)
            {
                var bootstrap = i == 0 ? "" : $"epost.node.bootstrap = [{NodeConfig.Quote(nodes[0].Address)}]";
                Identity.NodeAdmission.Certify(ca, Path.Combine(root, $"n{i}"), (ulong)i + 1);
                nodes.Add(await NodeHost.StartAsync(NodeConfig.Build(ConfigurationFactory.ParseString($"""
                    epost.transport.tls = {NodeConfig.Quote(tls)}
                    epost.transport.certificate-authority = "{Convert.ToHexStringLower(ca.PublicKey)}"
                    epost.node.host = "127.0.0.1"
                    epost.node.port = 0
                    epost.node.data-dir = {NodeConfig.Quote(Path.Combine(root, $"n{i}"))}
                    {bootstrap}
                    {RingConfig}
                    """))));
            }
            await Until(async () => (await Task.WhenAll(nodes.Select(n => n.StatusAsync()))).All(s => s.Ready && s.Clockwise.Concat(s.CounterClockwise).Distinct().Count() == count - 1),
                TimeSpan.FromSeconds(60), "the ring did not converge", cancel);

            var random = new Random(1);
            var (smallInsert, smallLookup, smallIds) = await Measure(nodes, random, small, 4096, parallel: 16);
            var (largeInsert, largeLookup, largeIds) = await Measure(nodes, random, large, 1024 * 1024, parallel: 4);

            var lost = nodes[count / 2];
            nodes.Remove(lost);
            var clock = Stopwatch.StartNew();
            await lost.System.Terminate();
            var ids = smallIds.Concat(largeIds).ToList();
            await Until(async () => await UnderReplicated(nodes, ids) == 0, TimeSpan.FromMinutes(5), "replication was not restored", cancel);
            var repairSeconds = clock.Elapsed.TotalSeconds;

            var result = new Dictionary<string, object>
            {
                ["bench"] = "storage",
                ["nodes"] = count,
                ["4KB"] = Figures(smallInsert, smallLookup),
                ["1MB"] = Figures(largeInsert, largeLookup),
                ["repair_seconds"] = Math.Round(repairSeconds, 2),
            };
            line = JsonSerializer.Serialize(result);
        }
        finally
        {
            await Task.WhenAll(nodes.Select(n => n.System.Terminate()));
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
        // Printed after the ring is down, so shutdown logging cannot follow the JSON line.
        Console.WriteLine(line);
        return 0;
    }

    private static async Task<(Timing Insert, Timing Lookup, List<RingId> Ids)> Measure(List<NodeHost> nodes, Random random, int count, int size, int parallel)
    {
        var blocks = Enumerable.Range(0, count).Select(_ =>
        {
            var bytes = new byte[size - 64];
            random.NextBytes(bytes);
            return ContentBlock.Create(bytes);
        }).ToList();
        var insert = await Timed(blocks, parallel, async b =>
        {
            var answer = await nodes[random.Next(nodes.Count)].Storage.Ask<object>(new Insert(b, LeaseDuration.FromDays(21)), TimeSpan.FromSeconds(60));
            if (answer is not Inserted) throw new InvalidOperationException($"insert failed: {answer}");
        });
        var lookup = await Timed(blocks, parallel, async b =>
        {
            var answer = await nodes[random.Next(nodes.Count)].Storage.Ask<object>(new Lookup(b.Id), TimeSpan.FromSeconds(60));
            if (answer is not Found) throw new InvalidOperationException($"lookup failed: {answer}");
        });
        return (insert, lookup, blocks.Select(b => b.Id).ToList());
    }

    private static async Task<Timing> Timed(IReadOnlyList<ContentBlock> blocks, int parallel, Func<ContentBlock, Task> operation)
    {
        var latencies = new List<double>();
        var total = Stopwatch.StartNew();
        foreach (var batch in blocks.Chunk(parallel))
            latencies.AddRange(await Task.WhenAll(batch.Select(async b =>
            {
                var one = Stopwatch.StartNew();
                await operation(b);
                return one.Elapsed.TotalMilliseconds;
            })));
        latencies.Sort();
        return new Timing(blocks.Count / total.Elapsed.TotalSeconds, latencies[latencies.Count / 2], latencies[Math.Min(latencies.Count - 1, (int)(latencies.Count * 0.99))]);
    }

    private static Dictionary<string, double> Figures(Timing insert, Timing lookup) => new()
    {
        ["insert_ops_s"] = Math.Round(insert.OpsPerSecond, 1),
        ["insert_p50_ms"] = Math.Round(insert.P50, 2),
        ["insert_p99_ms"] = Math.Round(insert.P99, 2),
        ["lookup_ops_s"] = Math.Round(lookup.OpsPerSecond, 1),
        ["lookup_p50_ms"] = Math.Round(lookup.P50, 2),
        ["lookup_p99_ms"] = Math.Round(lookup.P99, 2),
    };

    private static async Task<int> UnderReplicated(List<NodeHost> nodes, List<RingId> ids)
    {
        var held = await Task.WhenAll(nodes.Select(async n => (n.Identity.Id, Held: (await n.Storage.Ask<HeldIds>(ListHeld.Instance, TimeSpan.FromSeconds(30))).Ids.ToHashSet())));
        var r = StorageSettings.Default.ReplicationFactor;
        return ids.Count(id => !held.OrderBy(h => h.Id, Comparer<RingId>.Create((a, b) => RingId.CompareCloseness(id, a, b))).Take(r).All(h => h.Held.Contains(id)));
    }

    private static async Task Until(Func<Task<bool>> condition, TimeSpan limit, string failure, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > limit) throw new TimeoutException(failure);
            await Task.Delay(100, cancel);
        }
    }

    private sealed record Timing(double OpsPerSecond, double P50, double P99);
}
