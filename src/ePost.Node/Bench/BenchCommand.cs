using ePost.Node.Cli;

namespace ePost.Node.Bench;

/// <summary><c>epost bench &lt;what&gt;</c>: measured benchmarks whose last output line is one JSON object.</summary>
public static class BenchCommand
{
    /// <summary>Every benchmark by name. Each takes its own options and prints a JSON line last.</summary>
    private static readonly IReadOnlyList<Verb> Benchmarks =
    [
        ErasureBench.Verb,
        StorageBench.Verb,
        RingStorageBench.Verb,
        MailBench.Delivery,
        MailBench.Smtp,
        VersusBench.Verb,
        IdleBench.Verb,
    ];

    /// <summary>The verb for the top-level command table.</summary>
    public static Verb Verb => new("bench", "run a benchmark: " + string.Join(", ", Benchmarks.Select(b => b.Name)), RunAsync);

    private static Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancel)
    {
        var bench = args.Count > 0 ? Benchmarks.FirstOrDefault(b => b.Name == args[0]) : null;
        if (bench is null)
            throw new UsageException("epost bench <" + string.Join("|", Benchmarks.Select(b => b.Name)) + "> [options]");
        return bench.Run(args.Skip(1).ToList(), cancel);
    }
}
