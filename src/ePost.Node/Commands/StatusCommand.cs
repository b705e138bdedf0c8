using Akka.Actor;
using Akka.Configuration;
using ePost.Node.Cli;
using ePost.Node.Hosting;
using ePost.Node.Identity;
using ePost.Overlay.Node;

namespace ePost.Node.Commands;

/// <summary><c>epost status --node ADDRESS</c>: asks a running node over Akka.Remote for its view of the ring.</summary>
public static class StatusCommand
{
    /// <summary>The verb.</summary>
    public static Verb Verb => new("status", "show a running node's ring view: --node akka.ssl.tcp://epost@host:port [--timeout SECONDS] [--data-dir DIR of a certified node] [--config FILE] [--set path=value]...", RunAsync);

    private static async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancel)
    {
        var options = Arguments.Parse(args);
        var address = options.Get("node") ?? throw new UsageException("--node ADDRESS is required (as printed by epost run).");
        var timeout = TimeSpan.FromSeconds(options.Int("timeout", 5, min: 1, max: 600));
        var overrides = NodeOptions.Overrides(options);
        options.RejectUnknown();
        if (!ActorPath.TryParseAddress(address, out var parsed))
            throw new UsageException($"'{address}' is not a node address like akka.ssl.tcp://epost@127.0.0.1:4000.");

        NodeCredential? credential;
        RingTrust? trust;
        try
        {
            (credential, trust) = ClientSystem.CredentialOf(NodeConfig.Build(overrides));
        }
        catch (NodeCredentialException e)
        {
            Console.Error.WriteLine($"epost status: {e.Message}");
            return 2;
        }
        var status = await QueryAsync(parsed.ToString(), timeout, credential, trust);
        if (status is null)
        {
            Console.Error.WriteLine($"no answer from {address} within {timeout.TotalSeconds:F0} s");
            return 1;
        }
        Print(status, Console.Out);
        return 0;
    }

    /// <summary>Queries a node from a short-lived client actor system connecting as <paramref name="credential"/>; null when it does not answer in time.</summary>
    public static async Task<NodeStatus?> QueryAsync(string address, TimeSpan timeout, NodeCredential? credential = null, RingTrust? trust = null)
    {
        var system = ClientSystem.Create("epost-status", credential, trust);
        try
        {
            var overlay = ClientSystem.EntryPoint(system, address);
            return await overlay.Ask<NodeStatus>(GetNodeStatus.Instance, timeout);
        }
        catch (Exception e) when (e is TimeoutException or AskTimeoutException or TaskCanceledException)
        {
            return null;
        }
        finally
        {
            await system.Terminate();
        }
    }

    /// <summary>Prints a status in the operator's format.</summary>
    public static void Print(NodeStatus status, TextWriter output)
    {
        output.WriteLine($"node      {status.Self.Id} epoch {status.Self.Epoch}");
        output.WriteLine($"address   {status.Self.Address}");
        output.WriteLine($"ready     {(status.Ready ? "yes" : "no")}");
        output.WriteLine($"routing   {status.RoutingTableEntries} entries in {status.RoutingTableRows} rows");
        output.WriteLine($"traffic   sent {status.MessagesSent}, received {status.MessagesReceived}, dropped {status.Dropped}");
        output.WriteLine($"leaf set  {status.Clockwise.Length} clockwise, {status.CounterClockwise.Length} counter-clockwise");
        foreach (var n in status.CounterClockwise.Reverse()) output.WriteLine($"   - {n.Id.ToShortString()} {n.Address}");
        output.WriteLine($"   * {status.Self.Id.ToShortString()} {status.Self.Address} (this node)");
        foreach (var n in status.Clockwise) output.WriteLine($"   + {n.Id.ToShortString()} {n.Address}");
    }
}
