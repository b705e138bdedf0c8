using ePost.Core.Ids;
using ePost.Node.Commands;
using ePost.Overlay;
using ePost.Overlay.Routing;

namespace ePost.Node.Tests;

/// <summary>Faults of whole node processes: frozen (SIGSTOP/SIGCONT) and killed, then restarted on the same data.</summary>
[Collection(HeavyTests.Name)]
public sealed class ProcessFaultTests
{
    private static readonly string[] FastLiveness =
    [
        "--set", "epost.overlay.liveness.probe-interval=500ms",
        "--set", "epost.overlay.liveness.probe-timeout=300ms",
        "--set", "epost.overlay.liveness.min-timeout=250ms",
        "--set", "epost.overlay.liveness.max-timeout=1s",
        "--set", "epost.overlay.liveness.lease-duration=1500ms",
        "--set", "epost.overlay.liveness.dead-recheck-interval=2s",
        "--set", "epost.overlay.source-routing.relay-timeout=1500ms",
        "--set", "epost.overlay.healing.interval=2s",
    ];

    [Fact]
    public async Task A_frozen_node_is_declared_dead_and_readmitted_once_on_waking_and_a_killed_node_restarted_on_its_data_rejoins_as_a_new_epoch()
    {
        var root = Directory.CreateTempSubdirectory("epost-faults-").FullName;
        var processes = new List<NodeProcess>();
        NodeProcess Start(int i, string? bootstrap) =>
            NodeProcess.Start(["run", "--port", "0", "--data-dir", Path.Combine(root, $"n{i}"), .. bootstrap is null ? Array.Empty<string>() : ["--bootstrap", bootstrap], .. FastLiveness]);
        try
        {
            processes.Add(Start(0, null));
            var bootstrap = await processes[0].AddressAsync(TimeSpan.FromSeconds(60));
            for (var i = 1; i < 4; i++) processes.Add(Start(i, bootstrap));
            var addresses = (await Task.WhenAll(processes.Select(p => p.AddressAsync(TimeSpan.FromSeconds(60))))).ToList();
            await Eventually.True(() => ProcessRing.IsCorrectAsync(addresses), TimeSpan.FromSeconds(60), "the four processes did not form one ring");

            // Frozen: the others route around it, then take it back once it wakes, without a duplicate.
            processes[2].Pause();
            var others = addresses.Where((_, i) => i != 2).ToList();
            await Eventually.True(() => ProcessRing.IsCorrectAsync(others), TimeSpan.FromSeconds(60), "the frozen node was not dropped");
            processes[2].Resume();
            await Eventually.True(() => ProcessRing.IsCorrectAsync(addresses), TimeSpan.FromSeconds(60), "the woken node was not re-admitted");

            // Killed, then restarted on the same data dir: same id, higher epoch, one ring again.
            var before = (await ProcessRing.QueryAsync(addresses[3], TimeSpan.FromSeconds(5)))!.Self;
            processes[3].Kill();
            var survivors = addresses.Take(3).ToList();
            await Eventually.True(() => ProcessRing.IsCorrectAsync(survivors), TimeSpan.FromSeconds(60), "the killed node was not dropped");
            processes[3] = Start(3, bootstrap);
            addresses[3] = await processes[3].AddressAsync(TimeSpan.FromSeconds(60));
            await Eventually.True(() => ProcessRing.IsCorrectAsync(addresses), TimeSpan.FromSeconds(60), "the restarted node did not rejoin");
            var after = (await ProcessRing.QueryAsync(addresses[3], TimeSpan.FromSeconds(5)))!.Self;
            Assert.Equal(before.Id, after.Id);
            Assert.True(after.Epoch > before.Epoch);
        }
        finally
        {
            foreach (var p in processes) { try { p.Resume(); } catch (InvalidOperationException) { } p.Dispose(); }
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

}
