using Akka.Configuration;
using ePost.Core.Ids;
using ePost.Node.Hosting;
using ePost.Overlay;
using ePost.Overlay.Node;
using ePost.Overlay.Routing;

namespace ePost.Node.Tests;

/// <summary>A ring of real nodes, each its own ActorSystem on 127.0.0.1 port 0, talking over Akka.Remote.</summary>
public sealed class LocalRing : IAsyncDisposable
{
    /// <summary>
    /// Liveness tuned for a loopback test ring: failures are found in a few seconds instead of a minute.
    /// serialize-messages stays off here: with unregistered types refused it also "verifies" Akka.Remote's own
    /// local endpoint messages (GotUid, StoppedReading), which fails and silently breaks single associations.
    /// Every overlay message in these rings crosses a real socket through our serializer anyway.
    /// </summary>
    public const string FastLiveness = """
        epost.overlay {
          liveness { probe-interval = 500ms, probe-timeout = 300ms, min-timeout = 250ms, max-timeout = 1s, probe-retries = 2, dead-recheck-interval = 2s }
          join { timeout = 3s, retry-initial = 250ms, retry-max = 2s }
          lookup-timeout = 5s
          healing { interval = 2s, bootstrap-probability = 0.05 }
          source-routing { relay-timeout = 1500ms }
        }
        akka.loglevel = WARNING
        akka.actor.serialize-messages = off
        """;

    private int _started;

    /// <summary>A ring whose nodes are certified by <paramref name="ca"/> (by default <see cref="TestRingCa.Shared"/>).</summary>
    public LocalRing(Core.Crypto.CertificateAuthority? ca = null) => Ca = ca ?? TestRingCa.Shared;

    /// <summary>The ring CA that certifies every node of this ring.</summary>
    public Core.Crypto.CertificateAuthority Ca { get; }
    private readonly string _dataRoot = Directory.CreateTempSubdirectory("epost-ring-").FullName;

    /// <summary>The running nodes.</summary>
    public List<NodeHost> Nodes { get; } = new();

    /// <summary>The overlay settings every node runs with.</summary>
    public OverlaySettings Settings { get; } = OverlaySettings.Create(ConfigurationFactory.ParseString(FastLiveness));

    /// <summary>Starts one more node, joining through the first (or starting the ring), and waits until it is ready.</summary>
    public async Task<NodeHost> AddAsync(string extraConfig = "", IReadOnlyList<Post.Access.LocalUser>? users = null, string? dataDir = null)
    {
        var bootstrap = Nodes.Count == 0 ? "" : $"epost.node.bootstrap = [{NodeConfig.Quote(Nodes[0].Address)}]";
        var dir = dataDir ?? DataDirOf(_started++);
        // Every node is admitted as an operator would admit it: a node key, then a node certificate of the ring CA.
        TestRingCa.Certify(dir, Ca);
        var config = NodeConfig.Build(ConfigurationFactory.ParseString($"""
            epost.node.port = 0
            epost.node.data-dir = {NodeConfig.Quote(dir)}
            {bootstrap}
            {extraConfig}
            {FastLiveness}
            """).WithFallback(ConfigurationFactory.ParseString($"epost.transport.certificate-authority = \"{TestRingCa.PublicKeyHex(Ca)}\"")));
        var node = await NodeHost.StartAsync(config, users);
        Nodes.Add(node);
        await Eventually.True(async () => (await node.StatusAsync()).Ready, TimeSpan.FromSeconds(30), "node never became ready");
        return node;
    }

    /// <summary>The data directory the <paramref name="index"/>th node started by this ring uses unless told otherwise.</summary>
    public string DataDirOf(int index) => Path.Combine(_dataRoot, $"n{index}");

    /// <summary>A fresh data directory under this ring's root.</summary>
    public string NewDataDir(string name) => Path.Combine(_dataRoot, name);

    /// <summary>Shuts one node down (its ActorSystem terminates; peers are not told).</summary>
    public async Task ShutdownAsync(NodeHost node)
    {
        Nodes.Remove(node);
        await node.System.Terminate();
    }

    /// <summary>Every running node's status.</summary>
    public Task<NodeStatus[]> StatusesAsync() => Task.WhenAll(Nodes.Select(n => n.StatusAsync()));

    /// <summary>Nodes whose leaf set differs from the true neighbours among the running nodes.</summary>
    public async Task<int> WrongLeafSetsAsync()
    {
        var statuses = await StatusesAsync();
        var ids = statuses.Select(s => s.Self.Id).ToList();
        return statuses.Count(s => !RingTruth.IsCorrect(ids, s, Settings.LeafSetSize / 2));
    }

    /// <summary>A description of every wrong leaf set, for failure messages.</summary>
    public async Task<string> DescribeWrongLeafSetsAsync()
    {
        var statuses = await StatusesAsync();
        var ids = statuses.Select(s => s.Self.Id).ToList();
        var half = Settings.LeafSetSize / 2;
        return string.Join("\n", statuses.Where(s => !RingTruth.IsCorrect(ids, s, half)).Select(s =>
        {
            var (cw, ccw) = RingTruth.LeafSet(ids, s.Self.Id, half);
            return $"{s.Self.Id.ToShortString()} ready={s.Ready} cw=[{string.Join(",", s.Clockwise.Select(n => n.Id.ToShortString()))}] want [{string.Join(",", cw.Select(i => i.ToShortString()))}]";
        }));
    }

    /// <summary>The true root of a key among the running nodes.</summary>
    public RingId TrueRoot(RingId key) => RingTruth.Root(Nodes.Select(n => n.Identity.Id), key);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(Nodes.Select(n => n.System.Terminate()));
        try { Directory.Delete(_dataRoot, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Bounded polling for conditions that real networks make true eventually.</summary>
public static class Eventually
{
    /// <summary>Waits until the condition holds, failing with <paramref name="because"/> after <paramref name="limit"/>.</summary>
    public static async Task True(Func<Task<bool>> condition, TimeSpan limit, string because, Func<Task<string>>? describe = null)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"{because} (waited {limit.TotalSeconds:F0} s)" + (describe is null ? "" : "\n" + await describe()));
            await Task.Delay(100);
        }
    }
}
