namespace ePost.Simulation.Whole;

/// <summary>The faults a whole-system simulation can inject.</summary>
[Flags]
public enum NemesisKind
{
    /// <summary>No faults.</summary>
    None = 0,

    /// <summary>Nodes crash (their actors stop, volatile state lost) at random instants and restart from their files.</summary>
    Kill = 1,

    /// <summary>The ring splits 70/30 for a while, and separately one node is cut off from all others.</summary>
    Partition = 2,

    /// <summary>A fraction of messages is lost.</summary>
    Loss = 4,

    /// <summary>A fraction of messages arrives twice.</summary>
    Duplicate = 8,

    /// <summary>Latencies spread widely, so messages overtake each other.</summary>
    Reorder = 16,

    /// <summary>Every node's wall clock is off by up to two years either way (monotonic lease time is not).</summary>
    Skew = 32,

    /// <summary>Pairs of nodes that cannot reach each other while both reach everyone else (intransitive links).</summary>
    Intransitive = 64,

    /// <summary>60% of the nodes crash at the same instant (a correlated failure) and come back a minute or two later.</summary>
    Mass = 128,

    /// <summary>Nodes stop processing for a while (a long GC pause, SIGSTOP) and then work through what queued up meanwhile.</summary>
    Pause = 256,

    /// <summary>Nodes come back from a crash onto a full disk: their store refuses new objects (OverBudget) until the disk is cleared by a later restart.</summary>
    FullDisk = 512,

    /// <summary>Every nemesis.</summary>
    All = Kill | Partition | Loss | Duplicate | Reorder | Skew | Intransitive | Mass | Pause | FullDisk,
}

/// <summary>One scheduled fault (or its end).</summary>
/// <param name="At">Virtual time since the start of the fault window.</param>
/// <param name="Kind">Which nemesis.</param>
/// <param name="Start">True for the start of a fault, false for its end (a restart, a heal).</param>
/// <param name="Target">The node it concerns (kill, cut-off), or -1.</param>
/// <param name="Amount">The fault's size (loss or duplication probability, latency spread, the partition's minority fraction).</param>
public sealed record NemesisEvent(TimeSpan At, NemesisKind Kind, bool Start, int Target, double Amount)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{At.TotalSeconds,8:F1} s {(Start ? "start" : "end  ")} {Kind}{(Target < 0 ? "" : Kind == NemesisKind.Intransitive ? $" link {Target}" : $" node {Target}")}{(Amount > 0 ? $" {Amount:0.##}" : "")}";
}

/// <summary>
/// The fault schedule of a run, drawn from its seed before the run starts: the same seed always gives the same
/// schedule, whatever the actors' thread interleaving does to the rest of the trace.
/// </summary>
public static class NemesisSchedule
{
    /// <summary>The schedule for <paramref name="nodes"/> nodes over a window of <paramref name="window"/>; every fault ends within it.</summary>
    public static IReadOnlyList<NemesisEvent> Draw(NemesisKind kinds, int nodes, TimeSpan window, int seed)
    {
        var random = new Random(seed * 31 + 17);
        var events = new List<NemesisEvent>();
        double Uniform(double from, double to) => from + random.NextDouble() * (to - from);
        TimeSpan Within(double fromFraction, double toFraction) => window * Uniform(fromFraction, toFraction);

        if (kinds.HasFlag(NemesisKind.Kill) && nodes > 1)
        {
            // At most a third of the ring down at once; every node is back before the window ends.
            var kills = Math.Max(2, nodes / 3);
            var downUntil = new TimeSpan[nodes];
            // Drawn in time order, so "down at that instant" below is exact.
            foreach (var at in Enumerable.Range(0, kills).Select(_ => Within(0.02, 0.8)).ToList().Order())
            {
                var length = TimeSpan.FromSeconds(Uniform(15, 150));
                if (at + length > window * 0.95) length = window * 0.95 - at;
                var target = random.Next(nodes);
                if (downUntil[target] > at || downUntil.Count(d => d > at) >= Math.Max(1, nodes / 3)) continue;
                downUntil[target] = at + length;
                events.Add(new NemesisEvent(at, NemesisKind.Kill, true, target, 0));
                events.Add(new NemesisEvent(at + length, NemesisKind.Kill, false, target, 0));
            }
        }
        if (kinds.HasFlag(NemesisKind.Partition) && nodes > 2)
        {
            // The 70/30 split and the cut-off never overlap: each ends before the next begins.
            var at = Within(0.05, 0.25);
            events.Add(new NemesisEvent(at, NemesisKind.Partition, true, -1, 0.3));
            events.Add(new NemesisEvent(at + Within(0.1, 0.2), NemesisKind.Partition, false, -1, 0));
            var cut = Within(0.5, 0.7);
            var target = random.Next(nodes);
            events.Add(new NemesisEvent(cut, NemesisKind.Partition, true, target, 0));
            events.Add(new NemesisEvent(cut + Within(0.1, 0.2), NemesisKind.Partition, false, target, 0));
        }
        if (kinds.HasFlag(NemesisKind.Intransitive) && nodes > 3)
        {
            // Up to nodes/4 disjoint pairs, blocked both ways for one stretch of the window.
            var order = Enumerable.Range(0, nodes).OrderBy(_ => random.Next()).ToList();
            var at = Within(0.1, 0.5);
            var end = at + Within(0.15, 0.3);
            for (var p = 0; p < Math.Max(1, nodes / 4); p++)
            {
                var pair = order[2 * p] * nodes + order[2 * p + 1];
                events.Add(new NemesisEvent(at, NemesisKind.Intransitive, true, pair, 0));
                events.Add(new NemesisEvent(end, NemesisKind.Intransitive, false, pair, 0));
            }
        }
        if (kinds.HasFlag(NemesisKind.Mass) && nodes > 1)
        {
            // After the single kills began, before the window's end: the nodes it takes down are back by 0.97 of it.
            var at = Within(0.8, 0.85);
            events.Add(new NemesisEvent(at, NemesisKind.Mass, true, -1, 0.6));
            events.Add(new NemesisEvent(at + Within(0.05, 0.12), NemesisKind.Mass, false, -1, 0));
        }
        void Window(NemesisKind kind, double amount)
        {
            if (!kinds.HasFlag(kind)) return;
            var at = Within(0.0, 0.6);
            events.Add(new NemesisEvent(at, kind, true, -1, amount));
            events.Add(new NemesisEvent(at + window * Uniform(0.15, 0.3), kind, false, -1, 0));
        }
        Window(NemesisKind.Loss, Math.Round(Uniform(0.02, 0.1), 3));
        Window(NemesisKind.Duplicate, Math.Round(Uniform(0.05, 0.2), 3));
        Window(NemesisKind.Reorder, Math.Round(Uniform(1, 3), 2));
        // Drawn last, so the schedules of seeds drawn before these nemeses existed are unchanged.
        if (kinds.HasFlag(NemesisKind.Pause) && nodes > 1)
        {
            // A tenth of the ring, each paused once for 5 to 60 s (pauses of one node never overlap: each node once).
            foreach (var target in Enumerable.Range(0, nodes).OrderBy(_ => random.Next()).Take(Math.Max(1, nodes / 10)).ToList())
            {
                var at = Within(0.05, 0.75);
                events.Add(new NemesisEvent(at, NemesisKind.Pause, true, target, 0));
                events.Add(new NemesisEvent(at + TimeSpan.FromSeconds(Uniform(5, 60)), NemesisKind.Pause, false, target, 0));
            }
        }
        if (kinds.HasFlag(NemesisKind.FullDisk) && nodes > 2)
        {
            // One node in twenty (at least one) runs on a full disk for a stretch of the window.
            foreach (var target in Enumerable.Range(0, nodes).OrderBy(_ => random.Next()).Take(Math.Max(1, nodes / 20)).ToList())
            {
                var at = Within(0.05, 0.5);
                events.Add(new NemesisEvent(at, NemesisKind.FullDisk, true, target, 0));
                events.Add(new NemesisEvent(at + Within(0.1, 0.3), NemesisKind.FullDisk, false, target, 0));
            }
        }
        return events.OrderBy(e => e.At).ThenBy(e => e.Start).ToList();
    }

    /// <summary>Each node's wall-clock skew under <see cref="NemesisKind.Skew"/> (zero without it): up to two years either way.</summary>
    public static TimeSpan[] Skews(NemesisKind kinds, int nodes, int seed)
    {
        var random = new Random(seed * 37 + 5);
        return Enumerable.Range(0, nodes)
            .Select(_ => kinds.HasFlag(NemesisKind.Skew) ? TimeSpan.FromDays(Math.Round((random.NextDouble() * 2 - 1) * 730, 3)) : TimeSpan.Zero)
            .ToArray();
    }

    /// <summary>Parses "all", "none" or a comma-separated list of kinds.</summary>
    public static NemesisKind Parse(string text)
    {
        var kinds = NemesisKind.None;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse<NemesisKind>(part, ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
                throw new ArgumentException($"Unknown nemesis '{part}'; use all, none or a list of kill, partition, loss, duplicate, reorder, skew, intransitive, mass, pause, fulldisk.");
            kinds |= kind;
        }
        return kinds;
    }
}
