using System.Text.Json;
using System.Text.Json.Nodes;
using ePost.Node.Cli;
using ePost.Simulation.Whole;

namespace ePost.Node.Simulate;

/// <summary>
/// <c>epost sim --whole</c>: the whole-system simulation (<see cref="WholeSimulation"/>): every layer's real actors on
/// virtual time over a simulated network that carries serialized bytes, mail submitted under the chosen nemeses, and
/// the mail invariants judged at the end. The last line is JSON.
/// </summary>
public static class WholeSimCommand
{
    /// <summary>The usage line.</summary>
    public const string Usage =
        "--whole --nodes N --users U --messages M --seed S [--nemesis all|none|kill,partition,loss,duplicate,reorder,skew,intransitive,mass,pause,fulldisk] " +
        "[--submit-minutes W] [--settle-minutes L] [--step-ms Q]";

    /// <summary>Runs a whole-system simulation described by <paramref name="options"/>; 0 when every invariant held, 1 otherwise.</summary>
    public static int Run(Arguments options, TextWriter output, CancellationToken cancel)
    {
        NemesisKind nemeses;
        try
        {
            nemeses = NemesisSchedule.Parse(options.Get("nemesis") ?? "all");
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        var o = new WholeOptions(
            Nodes: options.Int("nodes", 12, min: 1, max: 2000),
            Users: options.Int("users", 6, min: 1, max: 10_000),
            Messages: options.Int("messages", 60, min: 0, max: 1_000_000),
            Seed: options.Int("seed", 1),
            Nemeses: nemeses,
            SubmitMinutes: options.Double("submit-minutes", 10, 0.5, 24 * 60),
            SettleMinutes: options.Double("settle-minutes", 60, 1, 7 * 24 * 60),
            StepMilliseconds: options.Double("step-ms", 20, 1, 1000));
        options.Flag("whole");
        options.RejectUnknown();
        if (o.Users > o.Nodes * 50) throw new UsageException("--users may be at most 50 per node.");
        using var progress = new PhasedProgress();
        using var simulation = new WholeSimulation(o, output) { Progress = progress };
        var result = simulation.Run(cancel);
        progress.Dispose();
        output.WriteLine(ToJson(o, result).ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
        return result.Invariants.Holds && result.Invariants.Converged ? 0 : 1;
    }

    /// <summary>The result line: the invariant counts first, then the run's figures.</summary>
    public static JsonObject ToJson(WholeOptions o, WholeResult result)
    {
        var r = result.Invariants;
        var json = new JsonObject
        {
            ["nodes"] = o.Nodes,
            ["users"] = o.Users,
            ["messages"] = o.Messages,
            ["nemesis"] = o.Nemeses.ToString().ToLowerInvariant().Replace(" ", ""),
            ["nemesis_events"] = result.Schedule.Count,
            ["acknowledged"] = r.Acknowledged,
            ["filed_once"] = r.FiledOnce,
            ["lost"] = r.Lost,
            ["duplicated"] = r.Duplicated,
            ["unexpected"] = r.Unexpected,
            ["mailbox_regressions"] = r.Regressions,
            ["mailboxes_converged"] = r.Converged,
        };
        foreach (var (key, value) in result.Figures) json[key] = value;
        json["virtual_seconds"] = result.VirtualSeconds;
        json["wall_seconds"] = result.WallSeconds;
        json["seed"] = o.Seed;
        json["trace_digest"] = result.TraceDigest;
        return json;
    }
}

/// <summary>A <see cref="Cli.ProgressLine"/> per phase of a long run: a new line starts when the phase changes.</summary>
internal sealed class PhasedProgress : IProgress<(string Phase, long Done, long Total)>, IDisposable
{
    private Cli.ProgressLine? _line;
    private string? _phase;

    public void Report((string Phase, long Done, long Total) value)
    {
        if (value.Phase != _phase)
        {
            _line?.Dispose();
            _line = new Cli.ProgressLine(value.Phase, value.Total, "steps");
            _phase = value.Phase;
        }
        _line!.Report(value.Done);
    }

    public void Dispose()
    {
        _line?.Dispose();
        _line = null;
    }
}
