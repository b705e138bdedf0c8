using Akka.Actor;
using ePost.Node.Cli;
using ePost.Node.Hosting;
using ePost.Overlay.Node;

namespace ePost.Node.Commands;

/// <summary><c>epost run</c>: starts one node and keeps it running until Ctrl-C or SIGTERM.</summary>
public static class RunCommand
{
    /// <summary>The verb.</summary>
    public static Verb Verb => new("run", "run one node: " + NodeOptions.Usage, RunAsync);

    private static async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancel)
    {
        var options = Arguments.Parse(args);
        var config = NodeConfig.Build(NodeOptions.Overrides(options));
        options.RejectUnknown();

        await using var node = await NodeHost.StartAsync(config);
        Console.WriteLine($"node {node.Identity.Id} epoch {node.Epoch} listening on {node.Address}");
        var events = node.System.ActorOf(Props.Create(() => new EventPrinter(Console.Out)));
        node.Overlay.Tell(new SubscribeOverlayEvents(events));
        try
        {
            await Task.Delay(Timeout.Infinite, cancel);
        }
        catch (OperationCanceledException)
        {
            Console.WriteLine("stopping");
        }
        return 0;
    }

    /// <summary>Prints ready/dead/join-failure events as single lines for operators and scripts.</summary>
    private sealed class EventPrinter : ReceiveActor
    {
        public EventPrinter(TextWriter output)
        {
            Receive<BecameReady>(e => output.WriteLine($"ready {e.Self.Id} {e.Self.Address}"));
            Receive<NodeDeclaredDead>(e => output.WriteLine($"dead {e.Node.Id} {e.Node.Address}"));
            Receive<JoinFailed>(e => output.WriteLine($"join-failed {e.Reason}"));
            ReceiveAny(_ => { });
        }
    }
}
