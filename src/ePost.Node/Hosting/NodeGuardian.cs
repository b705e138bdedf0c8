using Akka.Actor;
using ePost.Core.Ids;
using ePost.Overlay;
using ePost.Overlay.Node;
using ePost.Storage.Replication;

namespace ePost.Node.Hosting;

/// <summary><c>/user/node</c>: starts the node's layers as children and supervises them.</summary>
public sealed class NodeGuardian : ReceiveActor
{
    /// <summary>Name of the guardian under <c>/user</c>.</summary>
    public const string Name = "node";

    /// <summary>Name of the overlay actor under the guardian.</summary>
    public const string OverlayName = "overlay";

    /// <summary>Name of the storage actor under the guardian.</summary>
    public const string StorageName = "storage";

    /// <summary>Props for the guardian of a node with the given identity.</summary>
    public static Props Props(OverlaySettings overlay, StorageSettings storage, string dataDir, RingId id, long epoch, IReadOnlyList<string> bootstrap) =>
        Akka.Actor.Props.Create(() => new NodeGuardian(overlay, storage, dataDir, id, epoch, bootstrap));

    /// <summary>Creates the guardian; use <see cref="Props"/>.</summary>
    public NodeGuardian(OverlaySettings overlay, StorageSettings storage, string dataDir, RingId id, long epoch, IReadOnlyList<string> bootstrap)
    {
        var ring = Context.ActorOf(RingNode.Props(overlay, id, epoch, bootstrap), OverlayName);
        var store = Context.ActorOf(ReplicaManager.Props(storage, ring, dataDir), StorageName);
        Receive<GetLayers>(_ => Sender.Tell(new Layers(ring, store)));
    }

    /// <summary>Asks the guardian for its layers' actors.</summary>
    public sealed record GetLayers : INoSerializationVerificationNeeded
    {
        /// <summary>The one instance.</summary>
        public static readonly GetLayers Instance = new();
    }

    /// <summary>The node's layer actors: the ring node and the replicated store.</summary>
    public sealed record Layers(IActorRef Overlay, IActorRef Storage) : INoSerializationVerificationNeeded;
}
