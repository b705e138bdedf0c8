using System.Diagnostics;
using Akka.Configuration;
using ePost.Node.Cli;
using ePost.Node.Hosting;
using ePost.Node.Identity;
using ePost.Overlay;
using ePost.Overlay.Routing;

namespace ePost.Node.Commands;

/// <summary>
/// <c>epost devnet</c>: a local ring of N nodes on 127.0.0.1, each its own actor system over real Akka.Remote,
/// each certified by the devnet CA, joined one by one, each serving one user (issued by a devnet CA) over SMTP, POP3 and IMAP; prints each node, each
/// user's mail settings and a <c>ready</c> line, writes the same to <c>devnet.json</c>, then runs until Ctrl-C.
/// </summary>
public static class DevnetCommand
{
    /// <summary>The verb.</summary>
    public static Verb Verb => new("devnet", "run a local ring: [--nodes N] [--devices D] [--data-dir DIR] [--base-port P]", RunAsync);

    private static async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancel)
    {
        var options = Arguments.Parse(args);
        var count = options.Int("nodes", 5, min: 1, max: 64);
        var devices = options.Int("devices", 1, min: 1, max: DevnetDevices.MaxDevices);
        var dataDir = options.Get("data-dir") ?? Path.Combine(Path.GetTempPath(), "epost-devnet");
        var basePort = options.Int("base-port", 0, min: 0, max: 65000);
        options.RejectUnknown();

        var nodes = await StartAsync(count, dataDir, basePort, Console.Out, cancel, devices: devices);
        try
        {
            await Task.Delay(Timeout.Infinite, cancel);
        }
        catch (OperationCanceledException)
        {
            Console.WriteLine("stopping devnet");
        }
        finally
        {
            foreach (var node in nodes) await node.DisposeAsync();
        }
        return 0;
    }

    /// <summary>Starts the devnet and waits until every leaf set is correct; prints one line per node, then <c>ready</c>.</summary>
    /// <param name="count">How many nodes.</param>
    /// <param name="dataDir">Where the devnet keeps its CA, users and node data dirs.</param>
    /// <param name="basePort">First ring port (mail ports from +1000), or 0 for free ports.</param>
    /// <param name="output">Where the lines go.</param>
    /// <param name="cancel">Stops waiting.</param>
    /// <param name="extraConfig">More HOCON for every node (the bench sets epost.transport.tls).</param>
    /// <param name="devices">
    /// Nodes per user: node1..nodeN serve the N users as before; with D devices, nodes N+1..D·N are each user's further
    /// devices, certified by the user's key and listed in the user's published device list (<see cref="DevnetDevices"/>).
    /// </param>
    public static async Task<IReadOnlyList<NodeHost>> StartAsync(int count, string dataDir, int basePort, TextWriter output, CancellationToken cancel, string extraConfig = "",
        int devices = 1)
    {
        var total = count * devices;
        var clock = Stopwatch.StartNew();
        var nodes = new List<NodeHost>();
        var overlay = OverlaySettings.Create(NodeConfig.Defaults);
        var (ca, users) = DevnetUsers.LoadOrCreate(dataDir, count);
        using var progress = new ProgressLine("starting the devnet", count * devices, "nodes in the ring");
        try
        {
            for (var i = 0; i < total; i++)
            {
                var port = basePort == 0 ? 0 : basePort + i;
                int MailPort(int offset) => basePort == 0 ? 0 : basePort + 1000 + 10 * i + offset;
                var bootstrap = nodes.Count == 0 ? "" : $"epost.node.bootstrap = [{NodeConfig.Quote(nodes[0].Address)}]";
                // The devnet is its own ring CA: it admits each of its nodes itself; a user's further devices are admitted by the user.
                if (i < count) NodeAdmission.Certify(ca, Path.Combine(dataDir, $"node{i + 1}"), (ulong)i + 1);
                else DevnetDevices.Admit(dataDir, users[i % count], i / count, Path.Combine(dataDir, $"node{i + 1}"));
                var config = NodeConfig.Build(ConfigurationFactory.ParseString($"""
                    epost.node.port = {port}
                    epost.node.data-dir = {NodeConfig.Quote(Path.Combine(dataDir, $"node{i + 1}"))}
                    {bootstrap}
                    epost.storage.certificate-authority = "{Convert.ToHexStringLower(ca.PublicKey)}"
                    epost.mail.smtp-port = {MailPort(0)}
                    epost.mail.smtps-port = {MailPort(1)}
                    epost.mail.pop3-port = {MailPort(2)}
                    epost.mail.pop3s-port = {MailPort(3)}
                    epost.mail.imap-port = {MailPort(4)}
                    epost.mail.imaps-port = {MailPort(5)}
                    epost.dashboard.port = {MailPort(6)}
                    akka.loglevel = WARNING
                    {extraConfig}
                    """));
                var node = await NodeHost.StartAsync(config, [users[i % count].ToLocalUser()]);
                nodes.Add(node);
                // One at a time: each node joins a ring that already knows every earlier node.
                await WaitAsync(async () => (await node.StatusAsync()).Ready, TimeSpan.FromSeconds(60), cancel);
                progress.Report(nodes.Count);
            }
            progress.Dispose();
            await WaitAsync(async () => await AllCorrectAsync(nodes, overlay.LeafSetSize / 2), TimeSpan.FromSeconds(120), cancel);
            var statuses = await Task.WhenAll(nodes.Select(n => n.StatusAsync()));
            for (var i = 0; i < nodes.Count; i++)
                output.WriteLine($"node{i + 1}  id {statuses[i].Self.Id}  {statuses[i].Self.Address}  leaf set {statuses[i].Clockwise.Concat(statuses[i].CounterClockwise).DistinctBy(n => n.Id).Count()}  data {Path.Combine(dataDir, $"node{i + 1}")}");
            if (devices > 1)
                for (var u = 0; u < count; u++)
                    await DevnetDevices.PublishAsync(dataDir, users[u], nodes[u], cancel);
            for (var i = 0; i < nodes.Count; i++)
            {
                var mail = nodes[i].MailEndpoints!;
                var user = users[i % count];
                output.WriteLine($"{user.Address}  password {user.Password}  node{i + 1}  smtp {mail.Host}:{mail.Smtp} (STARTTLS)  smtps {mail.Smtps}  pop3 {mail.Pop3}  pop3s {mail.Pop3s}  imap {mail.Imap}  imaps {mail.Imaps}  dashboard {nodes[i].Dashboard?.Url.ToString() ?? "off"}");
            }
            var json = DevnetJson.Write(dataDir, ca, users, nodes);
            output.WriteLine($"mail settings for scripts: {json}; TLS certificates are self-signed (one per node)");
            output.WriteLine($"ready: {nodes.Count} nodes in one ring after {clock.Elapsed.TotalSeconds:F1} s (epost status --node {nodes[0].Address} --data-dir {Path.Combine(dataDir, "node1")}); Ctrl-C stops");
            return nodes;
        }
        catch
        {
            foreach (var node in nodes) await node.DisposeAsync();
            throw;
        }
    }

    /// <summary>True when every node's leaf set equals the true neighbours among all nodes.</summary>
    public static async Task<bool> AllCorrectAsync(IReadOnlyList<NodeHost> nodes, int half)
    {
        var statuses = await Task.WhenAll(nodes.Select(n => n.StatusAsync()));
        var ids = statuses.Select(s => s.Self.Id).ToList();
        return statuses.All(s => RingTruth.IsCorrect(ids, s, half));
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan limit, CancellationToken cancel)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > limit) throw new TimeoutException($"devnet did not converge within {limit.TotalSeconds:F0} s");
            await Task.Delay(100, cancel);
        }
    }
}
