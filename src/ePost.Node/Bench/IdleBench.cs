using System.Diagnostics;
using System.Text.Json;
using ePost.Node.Cli;
using ePost.Node.Commands;

namespace ePost.Node.Bench;

/// <summary>
/// <c>epost bench idle</c>: what an idle node costs. Starts a loopback devnet in this process, lets it settle (joins,
/// first repair rounds, mailboxes loaded and published), then measures this process's CPU time over a window in which
/// nobody uses the ring, and reports it per node and per second of wall time.
/// </summary>
public static class IdleBench
{
    /// <summary>The benchmark.</summary>
    public static Verb Verb => new("idle", "CPU of idle nodes: [--nodes 3] [--settle 20] [--seconds 60] [--config HOCON]", RunAsync);

    private static async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancel)
    {
        var options = Arguments.Parse(args);
        var count = options.Int("nodes", 3, 1, 16);
        var settle = options.Int("settle", 20, 0, 3600);
        var seconds = options.Int("seconds", 60, 1, 3600);
        var config = options.Get("config") ?? "";
        options.RejectUnknown();
        string line;
        var root = Directory.CreateTempSubdirectory("epost-bench-idle-").FullName;
        var nodes = await DevnetCommand.StartAsync(count, root, 0, TextWriter.Null, cancel, config);
        try
        {
            for (var i = 0; i < count; i++) await MailBench.WaitReady(nodes[i].Mail!.Agents[DevnetUsers.AddressOf(i)], cancel);
            await Task.Delay(TimeSpan.FromSeconds(settle), cancel);
            using var self = Process.GetCurrentProcess();
            self.Refresh();
            var cpuBefore = self.TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(seconds), cancel);
            self.Refresh();
            var cpu = (self.TotalProcessorTime - cpuBefore).TotalMilliseconds;
            var elapsed = wall.Elapsed.TotalSeconds;
            line = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["bench"] = "idle",
                ["nodes"] = count,
                ["seconds"] = Math.Round(elapsed, 1),
                ["process_cpu_ms"] = Math.Round(cpu, 0),
                ["ms_cpu_per_s"] = Math.Round(cpu / elapsed / count, 2),
                ["process_working_set_mb"] = Math.Round(self.WorkingSet64 / 1e6, 1),
            });
        }
        finally
        {
            await Task.WhenAll(nodes.Select(n => n.System.Terminate()));
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
        Console.WriteLine(line);
        return 0;
    }
}
