using Akka.Actor;
using ePost.Core.Ids;
using ePost.Overlay;
using ePost.Overlay.Node;

namespace ePost.Node.Hosting;

/// <summary><c>/user/node</c>: starts the node's layers as children and supervises them.</summary>
public sealed class NodeGuardian : ReceiveActor
{
    /// <summary>Name of the guardian under <c>/user</c>.</summary>
    public const string Name = "node";

    /// <summary>Name of the overlay actor under the guardian.</summary>
    public const string OverlayName = "overlay";

    /// <summary>Props for the guardian of a node with the given identity.</summary>
    public static Props Props(OverlaySettings overlay, RingId id, long epoch, IReadOnlyList<string> bootstrap) =>
        Akka.Actor.Props.Create(() => new NodeGuardian(overlay, id, epoch, bootstrap));

    /// <summary>Creates the guardian; use <see cref="Props"/>.</summary>
    public NodeGuardian(OverlaySettings overlay, RingId id, long epoch, IReadOnlyList<string> bootstrap)
    {
        var ring = Context.ActorOf(RingNode.Props(overlay, id, epoch, bootstrap), OverlayName);
        Receive<GetLayers>(_ => Sender.Tell(new Layers(ring)));
    }

    /// <summary>Asks the guardian for its layers' actors.</summary>
    public sealed record GetLayers : INoSerializationVerificationNeeded
    {
        /// <summary>The one instance.</summary>
        public static readonly GetLayers Instance = new();
    }

    /// <summary>The node's layer actors.</summary>
    public sealed record Layers(IActorRef Overlay) : INoSerializationVerificationNeeded;
}
