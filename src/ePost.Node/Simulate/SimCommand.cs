using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using ePost.Core.Ids;
using ePost.Node.Cli;
using ePost.Overlay;
using ePost.Simulation.Ring;

namespace ePost.Node.Simulate;

/// <summary>
/// <c>epost sim</c>: builds a ring of N real Pastry nodes on the simulated network by real joins, routes random
/// keys from random nodes, checks each reached the true root, and prints one JSON line of results last.
/// </summary>
public static class SimCommand
{
    /// <summary>The verb for the top-level command table.</summary>
    public static Verb Verb => new("sim", "simulate a ring on virtual time: --nodes N --lookups L --seed S", (args, cancel) => Task.FromResult(Run(args, Console.Out, cancel)));

    /// <summary>Runs a simulation described by command-line options, writing progress and the JSON line to <paramref name="output"/>.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, CancellationToken cancel)
    {
        var options = Arguments.Parse(args);
        var nodes = options.Int("nodes", 1000, min: 1, max: 200_000);
        var lookups = options.Int("lookups", 10_000, min: 0, max: 10_000_000);
        var seed = options.Int("seed", 1);
        var joinsPerSecond = options.Double("join-rate", 20, min: 0.01, max: 10_000);
        var steadyMinutes = options.Double("steady-minutes", 5, min: 0, max: 24 * 60);
        options.RejectUnknown();

        var result = Simulate(new SimulationOptions(nodes, lookups, seed, joinsPerSecond, steadyMinutes), output, cancel);
        output.WriteLine(result.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
        return 0;
    }

    /// <summary>Options of one run.</summary>
    public sealed record SimulationOptions(int Nodes, int Lookups, int Seed, double JoinsPerSecond, double SteadyMinutes);

    /// <summary>Runs one simulation and returns its result object.</summary>
    public static JsonObject Simulate(SimulationOptions o, TextWriter output, CancellationToken cancel)
    {
        var settings = OverlaySettings.Default;
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var wall = Stopwatch.StartNew();
        var ring = new SimulatedRing(settings, o.Seed);
        var spacing = TimeSpan.FromSeconds(1 / o.JoinsPerSecond);

        ring.Start(ring.AddNode(), bootstrap: null);
        for (var i = 1; i < o.Nodes; i++)
        {
            cancel.ThrowIfCancellationRequested();
            ring.Clock.RunFor(spacing);
            ring.Start(ring.AddNode(), ring.RandomReadyNode());
            if (i % 1000 == 0) output.WriteLine($"# joined {i}/{o.Nodes} at {ring.Clock.Now.TotalSeconds:F0} s virtual, {wall.Elapsed.TotalSeconds:F1} s wall");
        }
        var joinedAt = ring.Clock.Now;
        var converged = ring.Clock.RunUntil(
            () => ring.LiveNodes.All(n => n.Engine.IsReady) && ring.CountWrongLeafSets() == 0,
            step: TimeSpan.FromSeconds(5), limit: TimeSpan.FromMinutes(30));
        var convergeSeconds = (ring.Clock.Now - joinedAt).TotalSeconds;
        var buildSeconds = wall.Elapsed.TotalSeconds;
        var bytesPerNode = (GC.GetTotalMemory(forceFullCollection: true) - baseline) / Math.Max(1, o.Nodes);
        output.WriteLine($"# built {o.Nodes} nodes in {buildSeconds:F1} s wall; leaf sets {(converged ? "correct" : "NOT correct")} {convergeSeconds:F0} s virtual after the last join");

        // Steady-state maintenance traffic, measured over a quiet window after the ring converged.
        var maintenanceBefore = ring.LiveNodes.Sum(n => n.Engine.Counters.MaintenanceSent);
        var steadyStart = ring.Clock.Now;
        ring.Clock.RunFor(TimeSpan.FromMinutes(o.SteadyMinutes));
        var steadySeconds = Math.Max(1e-9, (ring.Clock.Now - steadyStart).TotalSeconds);
        var maintenance = ring.LiveNodes.Sum(n => n.Engine.Counters.MaintenanceSent) - maintenanceBefore;
        wall.Restart();
        var random = new Random(o.Seed * 7919 + 1);
        var live = ring.LiveNodes.ToList();
        for (var i = 0; i < o.Lookups; i++)
        {
            if (i % 10_000 == 0) cancel.ThrowIfCancellationRequested();
            ring.Lookup(live[random.Next(live.Count)], RingId.Random(random));
            ring.Clock.RunFor(TimeSpan.FromMilliseconds(1));
        }
        ring.Clock.RunUntil(() => ring.OutstandingLookups == 0, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(2));
        var lookupSeconds = wall.Elapsed.TotalSeconds;

        var outcomes = ring.CompletedLookups;
        var hops = outcomes.Select(x => x.Hops).Order().ToArray();
        var correct = outcomes.Count(x => x.Correct);
        return new JsonObject
        {
            ["nodes"] = o.Nodes,
            ["lookups"] = o.Lookups,
            ["seed"] = o.Seed,
            ["delivered_to_root"] = o.Lookups == 0 ? 1.0 : Math.Round((double)correct / o.Lookups, 6),
            ["wrong_root"] = o.Lookups == 0 ? 0.0 : Math.Round((double)(outcomes.Count - correct) / o.Lookups, 6),
            ["lost"] = o.Lookups - outcomes.Count,
            ["mean_hops"] = hops.Length == 0 ? 0 : Math.Round(hops.Average(), 3),
            ["p99_hops"] = hops.Length == 0 ? 0 : hops[(int)Math.Min(hops.Length - 1, Math.Ceiling(hops.Length * 0.99) - 1)],
            ["max_hops"] = hops.Length == 0 ? 0 : hops[^1],
            ["mean_lookup_ms"] = outcomes.Count == 0 ? 0 : Math.Round(outcomes.Average(x => x.Latency.TotalMilliseconds), 1),
            ["leafsets_correct"] = converged,
            ["converge_virtual_seconds"] = Math.Round(convergeSeconds, 1),
            ["maintenance_msgs_per_node_s"] = Math.Round(maintenance / (double)live.Count / steadySeconds, 4),
            ["build_seconds"] = Math.Round(buildSeconds, 2),
            ["lookup_seconds"] = Math.Round(lookupSeconds, 2),
            ["virtual_seconds"] = Math.Round(ring.Clock.Now.TotalSeconds, 1),
            ["events"] = ring.Clock.Executed,
            ["managed_bytes_per_node"] = bytesPerNode,
        };
    }
}
