using Akka.Configuration;
using ePost.Node.Bench;
using ePost.Node.Cli;
using ePost.Node.Commands;
using ePost.Node.Simulate;

namespace ePost.Node;

/// <summary>The <c>epost</c> executable: one verb per operation.</summary>
public static class Program
{
    private static readonly IReadOnlyList<Verb> Verbs =
    [
        DevnetCommand.Verb,
        RunCommand.Verb,
        InitCommand.Verb,
        StatusCommand.Verb,
        StoreCommand.Verb,
        CaCommand.Verb,
        DeviceCommand.Verb,
        RecoverCommand.Verb,
        MailCommands.Send,
        MailCommands.List,
        AutoconfigCommand.Verb,
        SimCommand.Verb,
        BenchCommand.Verb,
    ];

    /// <summary>Entry point; exit code 0 on success, 1 on failure, 2 on a usage error.</summary>
    public static async Task<int> Main(string[] args)
    {
        // Not disposed: ProcessExit fires after Main returns and must still be able to cancel it.
        var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cancel.Cancel();
        return await RunAsync(args, cancel.Token);
    }

    /// <summary>Runs one command line (also used by tests that call the CLI in-process).</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancel)
    {
        var verb = args.Count > 0 ? Verbs.FirstOrDefault(v => v.Name == args[0]) : null;
        if (verb is null)
        {
            PrintUsage();
            return args.Count == 0 || args[0] is "help" or "--help" or "-h" ? 0 : 2;
        }
        try
        {
            return await verb.Run(args.Skip(1).ToList(), cancel);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"epost {verb.Name}: {OneLine(e.Message)}");
            return 2;
        }
        catch (ConfigurationException e)
        {
            // Configuration mistakes (ConfigCheck puts each on a line of its own): the setting and what is wrong, no stack trace.
            foreach (var line in e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                Console.Error.WriteLine($"epost {verb.Name}: {line}");
            return 2;
        }
    }

    private static string OneLine(string message) => string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static void PrintUsage()
    {
        Console.WriteLine("usage: epost <command> [options]");
        foreach (var verb in Verbs) Console.WriteLine($"  {verb.Name,-8} {verb.Summary}");
    }
}
