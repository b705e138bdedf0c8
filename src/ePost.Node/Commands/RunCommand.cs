using Akka.Actor;
using ePost.Node.Cli;
using ePost.Node.Hosting;
using ePost.Node.Identity;
using ePost.Overlay;
using ePost.Overlay.Node;

namespace ePost.Node.Commands;

/// <summary><c>epost run</c>: starts one node and keeps it running until Ctrl-C or SIGTERM.</summary>
public static class RunCommand
{
    /// <summary>The verb.</summary>
    public static Verb Verb => new("run", "run one node (needs node.cert from epost ca issue-node in the data dir, or --node-cert): " + NodeOptions.Usage, RunAsync);

    private static async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancel)
    {
        var options = Arguments.Parse(args);
        var overrides = NodeOptions.Overrides(options);
        options.RejectUnknown();
        var config = NodeConfig.BuildChecked(overrides);

        NodeHost started;
        try
        {
            started = await NodeHost.StartAsync(config);
        }
        catch (NodeCredentialException e)
        {
            Console.Error.WriteLine($"epost run: {e.Message}");
            return 2;
        }
        await using var node = started;
        Console.WriteLine($"node {node.Identity.Id} epoch {node.Epoch} listening on {node.Address}");
        node.System.ActorOf(Props.Create(() => new EventPrinter(node.Overlay, Console.Out)), "event-printer");
        try
        {
            if (node.Mail is { Agents.Count: > 0 } mail)
            {
                // A large mailbox takes a while to read from the ring: show how far, then say once that mail is served.
                var loaded = await MailboxLoadProgress.WaitAsync(mail.Agents, null, cancel);
                Console.WriteLine($"mailboxes loaded: {string.Join(", ", loaded.Keys.Order(StringComparer.Ordinal))}");
            }
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
        private readonly IActorRef _overlay;
        private bool _printedReady;

        public EventPrinter(IActorRef overlay, TextWriter output)
        {
            _overlay = overlay;
            void PrintReady(NodeHandle self)
            {
                if (_printedReady) return;
                _printedReady = true;
                output.WriteLine($"ready {self.Id} {self.Address}");
            }
            Receive<BecameReady>(e => PrintReady(e.Self));
            // The node may have become ready before this printer subscribed.
            Receive<NodeStatus>(s => { if (s.Ready) PrintReady(s.Self); });
            Receive<NodeDeclaredDead>(e => output.WriteLine($"dead {e.Node.Id} {e.Node.Address}"));
            Receive<JoinFailed>(e => output.WriteLine($"join-failed {e.Reason}"));
            ReceiveAny(_ => { });
        }

        protected override void PreStart()
        {
            _overlay.Tell(new SubscribeOverlayEvents(Self));
            _overlay.Tell(GetNodeStatus.Instance);
        }
    }
}
