using System.Text;
using ePost.Core.Ids;
using ePost.Node.Commands;
using ePost.Overlay;
using ePost.Overlay.Routing;
using ePost.Storage.Objects;

namespace ePost.Node.Tests;

/// <summary>What a node acknowledged survives the process being killed, not stopped.</summary>
[Collection(HeavyTests.Name)]
public sealed class CrashSafetyTests
{
    [Fact]
    public async Task Inserts_acknowledged_just_before_every_node_process_is_killed_are_all_there_after_the_restart()
    {
        var root = Directory.CreateTempSubdirectory("epost-crash-").FullName;
        var processes = new List<NodeProcess>();
        NodeProcess Start(int i, string? bootstrap) =>
            NodeProcess.Start(["run", "--port", "0", "--data-dir", Path.Combine(root, $"n{i}"), .. bootstrap is null ? Array.Empty<string>() : ["--bootstrap", bootstrap]]);
        try
        {
            processes.Add(Start(0, null));
            var bootstrap = await processes[0].AddressAsync(TimeSpan.FromSeconds(60));
            for (var i = 1; i < 5; i++) processes.Add(Start(i, bootstrap));
            var addresses = (await Task.WhenAll(processes.Select(p => p.AddressAsync(TimeSpan.FromSeconds(60))))).ToList();
            await Eventually.True(() => ProcessRing.IsCorrectAsync(addresses), TimeSpan.FromSeconds(60), "the five processes did not form one ring");

            var blocks = Enumerable.Range(0, 30).Select(i => ContentBlock.Create(Encoding.UTF8.GetBytes($"acknowledged block {i} ✓"))).ToList();
            await using (var client = await ProcessRing.StorageAsync(addresses[3]))
                foreach (var block in blocks)
                {
                    var result = await client.PutAsync(block, TimeSpan.FromDays(21));
                    Assert.True(result.Stored, result.Message);
                }
            var heldBefore = new List<RingId[]>();
            foreach (var address in addresses)
            {
                await using var client = await ProcessRing.StorageAsync(address);
                heldBefore.Add(await client.HeldAsync());
            }

            // SIGKILL every process at once: nothing gets to shut down or flush.
            foreach (var p in processes) p.Kill();
            foreach (var p in processes) p.Dispose();
            processes.Clear();

            processes.Add(Start(0, null));
            bootstrap = await processes[0].AddressAsync(TimeSpan.FromSeconds(60));
            for (var i = 1; i < 5; i++) processes.Add(Start(i, bootstrap));
            addresses = (await Task.WhenAll(processes.Select(p => p.AddressAsync(TimeSpan.FromSeconds(60))))).ToList();

            for (var i = 0; i < addresses.Count; i++)
            {
                await using var client = await ProcessRing.StorageAsync(addresses[i]);
                var heldAfter = await client.HeldAsync();
                Assert.Empty(heldBefore[i].Except(heldAfter));
            }
            await Eventually.True(() => ProcessRing.IsCorrectAsync(addresses), TimeSpan.FromSeconds(60), "the restarted processes did not form one ring");
            await using (var reader = await ProcessRing.StorageAsync(addresses[1]))
                foreach (var block in blocks)
                {
                    var copy = Assert.IsType<ContentBlock>(await reader.GetAsync(block.Id));
                    Assert.Equal(block.Data.ToArray(), copy.Data.ToArray());
                }
        }
        finally
        {
            foreach (var p in processes) p.Dispose();
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

}
