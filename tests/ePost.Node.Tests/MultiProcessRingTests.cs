using ePost.Node.Commands;
using ePost.Overlay;
using ePost.Overlay.Routing;

namespace ePost.Node.Tests;

/// <summary>
/// The twin of <c>docker/compose.yaml</c>: five <c>epost run</c> processes configured through the same environment
/// variables, one of them the bootstrap, on loopback instead of a container network.
/// </summary>
[Collection(HeavyTests.Name)]
public sealed class MultiProcessRingTests
{
    [Fact]
    public async Task Five_epost_run_processes_with_a_bootstrap_form_one_ring()
    {
        var root = Directory.CreateTempSubdirectory("epost-procs-").FullName;
        var processes = new List<NodeProcess>();
        try
        {
            var bootstrap = NodeProcess.Start(["run"], Environment("node1", root, bootstrap: null));
            processes.Add(bootstrap);
            var bootstrapAddress = await bootstrap.AddressAsync(TimeSpan.FromSeconds(60));
            for (var i = 2; i <= 5; i++)
                processes.Add(NodeProcess.Start(["run"], Environment($"node{i}", root, bootstrapAddress)));
            var addresses = await Task.WhenAll(processes.Select(p => p.AddressAsync(TimeSpan.FromSeconds(60))));

            await Eventually.True(() => ProcessRing.IsCorrectAsync(addresses), TimeSpan.FromSeconds(90),
                "the five processes did not form one correct ring");
        }
        finally
        {
            foreach (var p in processes) p.Dispose();
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private static Dictionary<string, string> Environment(string name, string root, string? bootstrap)
    {
        var env = new Dictionary<string, string>
        {
            ["EPOST_HOST"] = "127.0.0.1",
            ["EPOST_PORT"] = "0",
            ["EPOST_DATA_DIR"] = Path.Combine(root, name),
        };
        if (bootstrap is not null) env["EPOST_BOOTSTRAP"] = bootstrap;
        return env;
    }
}
