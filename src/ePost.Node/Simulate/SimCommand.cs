using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using ePost.Core.Ids;
using ePost.Node.Cli;
using ePost.Overlay;
using ePost.Simulation.Ring;
using ePost.Simulation.Scenarios;

namespace ePost.Node.Simulate;

/// <summary>
/// <c>epost sim</c>: builds a ring of N real Pastry nodes on the simulated network by real joins, measures its
/// steady state, then (optionally) injects one fault scenario: intransitive links, a partition, or churn. Lookups
/// are judged against the truth among the nodes reachable from their origin; one JSON line of results comes last.
/// </summary>
public static class SimCommand
{
    private const string Usage =
        "simulate a ring on virtual time: --nodes N --lookups L --seed S [--loss P] [--latency-spread S] " +
        "[--intransitive K | --partition F [--partition-minutes M] [--heal-limit-minutes H] | --churn-median-minutes M [--minutes T]]; " +
        "or the whole system (every layer, serialized traffic, nemeses): " + WholeSimCommand.Usage;

    /// <summary>The verb for the top-level command table.</summary>
    public static Verb Verb => new("sim", Usage, (args, cancel) => Task.FromResult(Run(args, Console.Out, cancel)));

    /// <summary>Runs a simulation described by command-line options, writing progress and the JSON line to <paramref name="output"/>.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, CancellationToken cancel)
    {
        var options = Arguments.Parse(args);
        if (options.Flag("whole")) return WholeSimCommand.Run(options, output, cancel);
        var o = new SimulationOptions(
            Nodes: options.Int("nodes", 1000, min: 1, max: 200_000),
            Lookups: options.Int("lookups", 10_000, min: 0, max: 10_000_000),
            Seed: options.Int("seed", 1),
            JoinsPerSecond: Finite(options, "join-rate", 20, 0.01, 10_000),
            SteadyMinutes: Finite(options, "steady-minutes", 5, 0, 24 * 60),
            Loss: Finite(options, "loss", 0, 0, 1),
            LatencySpread: Finite(options, "latency-spread", 0, 0, 1000),
            IntransitivePairs: options.Int("intransitive", 0, min: 0, max: 10_000),
            PartitionFraction: Finite(options, "partition", 0, 0, 0.99),
            PartitionMinutes: Finite(options, "partition-minutes", 30, 0.1, 24 * 60),
            HealLimitMinutes: Finite(options, "heal-limit-minutes", 30, 0.1, 24 * 60),
            ChurnMedianMinutes: Finite(options, "churn-median-minutes", 0, 0, 24 * 60),
            Minutes: Finite(options, "minutes", 120, 0.1, 7 * 24 * 60));
        options.RejectUnknown();
        var scenarios = (o.IntransitivePairs > 0 ? 1 : 0) + (o.PartitionFraction > 0 ? 1 : 0) + (o.ChurnMedianMinutes > 0 ? 1 : 0);
        if (scenarios > 1) throw new UsageException("Choose at most one of --intransitive, --partition and --churn-median-minutes.");
        if (o.IntransitivePairs > o.Nodes / 2) throw new UsageException($"--intransitive takes at most nodes/2 = {o.Nodes / 2} pairs.");
        if (o.PartitionFraction > 0 && (int)Math.Round(o.Nodes * o.PartitionFraction) is var side && (side < 1 || side >= o.Nodes))
            throw new UsageException("--partition must cut off at least one node and leave at least one.");

        var result = Simulate(o, output, cancel);
        output.WriteLine(result.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
        return 0;
    }

    /// <summary>Options of one run; a zero scenario parameter leaves that scenario off.</summary>
    public sealed record SimulationOptions(
        int Nodes, int Lookups, int Seed, double JoinsPerSecond, double SteadyMinutes,
        double Loss = 0, double LatencySpread = 0, int IntransitivePairs = 0,
        double PartitionFraction = 0, double PartitionMinutes = 30, double HealLimitMinutes = 30,
        double ChurnMedianMinutes = 0, double Minutes = 120);

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
        output.WriteLine("# sent while building: " + string.Join(", ", ring.Network.SentByKind.OrderByDescending(k => k.Value).Select(k => $"{k.Key.Name} {k.Value}")));

        // Steady-state maintenance traffic, measured over a quiet window after the ring converged, before any fault.
        var maintenanceBefore = ring.Traffic.MaintenanceSent;
        var steadyStart = ring.Clock.Now;
        ring.Clock.RunFor(TimeSpan.FromMinutes(o.SteadyMinutes));
        var steadySeconds = Math.Max(1e-9, (ring.Clock.Now - steadyStart).TotalSeconds);
        var maintenance = (ring.Traffic.MaintenanceSent - maintenanceBefore) / (double)ring.ActiveNodes.Count() / steadySeconds;

        ring.Network.Faults.LossProbability = o.Loss;
        ring.Network.Faults.LatencySpread = o.LatencySpread;
        wall.Restart();
        var random = new Random(o.Seed * 7919 + 1);
        var json = new JsonObject { ["nodes"] = o.Nodes, ["lookups"] = o.Lookups, ["seed"] = o.Seed };
        LookupStats main;
        if (o.IntransitivePairs > 0)
        {
            output.WriteLine($"# blocking {o.IntransitivePairs} node pair(s) both ways; lookups from one end for keys the other owns");
            var r = IntransitiveScenario.Run(ring, o.IntransitivePairs, o.Lookups, random);
            main = r.Lookups;
            json["scenario"] = "intransitive";
            json["intransitive_pairs"] = o.IntransitivePairs;
            json["pair_death_declarations"] = r.PairDeathDeclarations;
            json["wrong_leafsets"] = r.WrongLeafSets;
            json["fault_maintenance_msgs_per_node_s"] = Round(r.MaintenanceMsgsPerNodeSecond, 4);
        }
        else if (o.PartitionFraction > 0)
        {
            output.WriteLine($"# splitting {o.PartitionFraction:P0} of the ring off for {o.PartitionMinutes} virtual minutes");
            var r = PartitionScenario.Run(ring, o.PartitionFraction, TimeSpan.FromMinutes(o.PartitionMinutes), o.Lookups,
                TimeSpan.FromMinutes(o.HealLimitMinutes), random);
            main = r.AfterHeal;
            json["scenario"] = "partition";
            json["partition_minutes"] = Round(r.SplitSeconds / 60, 2);
            json["split"] = new JsonObject
            {
                ["minority_nodes"] = r.MinoritySize,
                ["majority_nodes"] = r.MajoritySize,
                ["sides_converge_seconds"] = r.SplitConvergeSeconds,
                ["minority"] = Lookups(r.MinorityLookups),
                ["majority"] = Lookups(r.MajorityLookups),
            };
            json["healed"] = r.Healed;
            if (r.HealSeconds is { } heal) json["heal_seconds"] = Round(heal, 1);
            json["heal_limit_minutes"] = o.HealLimitMinutes;
            json["wrong_leafsets"] = r.WrongLeafSetsAtEnd;
            json["fault_maintenance_msgs_per_node_s"] = Round(r.MaintenanceMsgsPerNodeSecond, 4);
        }
        else if (o.ChurnMedianMinutes > 0)
        {
            output.WriteLine($"# churning for {o.Minutes} virtual minutes, median session {o.ChurnMedianMinutes} minutes");
            var r = ChurnScenario.Run(ring, TimeSpan.FromMinutes(o.ChurnMedianMinutes), TimeSpan.FromMinutes(o.Minutes), o.Lookups, random);
            main = r.Lookups;
            json["scenario"] = "churn";
            json["churn_median_minutes"] = o.ChurnMedianMinutes;
            json["minutes"] = o.Minutes;
            json["failures"] = r.Failures;
            json["joins"] = r.Joins;
            json["wrong_leafsets"] = r.WrongLeafSetsAtEnd;
            json["fault_maintenance_msgs_per_node_s"] = Round(r.MaintenanceMsgsPerNodeSecond, 4);
        }
        else
        {
            main = new LookupRun(ring).RunToEnd(o.Lookups, TimeSpan.FromMilliseconds(1), () =>
            {
                var active = ring.ActiveNodes.ToList();
                return (active[random.Next(active.Count)], RingId.Random(random));
            }, TimeSpan.FromMinutes(2));
            json["scenario"] = "baseline";
        }
        var lookupSeconds = wall.Elapsed.TotalSeconds;

        foreach (var (key, value) in Lookups(main).ToList())
            json[key] = value?.DeepClone();
        json["loss"] = o.Loss;
        json["latency_spread"] = o.LatencySpread;
        json["leafsets_correct"] = converged;
        json["converge_virtual_seconds"] = Round(convergeSeconds, 1);
        json["maintenance_msgs_per_node_s"] = Round(maintenance, 4);
        json["build_seconds"] = Round(buildSeconds, 2);
        json["lookup_seconds"] = Round(lookupSeconds, 2);
        json["virtual_seconds"] = Round(ring.Clock.Now.TotalSeconds, 1);
        json["events"] = ring.Clock.Executed;
        json["messages_blocked"] = ring.Network.MessagesBlocked;
        json["messages_dropped"] = ring.Network.MessagesDropped;
        json["managed_bytes_per_node"] = bytesPerNode;
        return json;
    }

    private static JsonObject Lookups(LookupStats s) => new()
    {
        ["sent"] = s.Sent,
        ["delivered_to_root"] = Round(s.DeliveredToRootFraction, 6),
        ["wrong_root"] = Round(s.WrongRootFraction, 6),
        ["lost"] = s.Lost,
        ["origin_failed"] = s.Unanswerable,
        ["mean_hops"] = Round(s.MeanHops, 3),
        ["p99_hops"] = s.P99Hops,
        ["max_hops"] = s.MaxHops,
        ["mean_lookup_ms"] = Round(s.MeanLatencyMs, 1),
    };

    private static double Round(double value, int digits) => Math.Round(value, digits);

    private static double Finite(Arguments options, string name, double fallback, double min, double max)
    {
        var value = options.Double(name, fallback, min, max);
        return double.IsFinite(value) ? value : throw new UsageException($"--{name} takes a number between {min} and {max}, not NaN.");
    }
}
