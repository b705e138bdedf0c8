using Akka.Actor;
using ePost.Core.Ids;
using ePost.Overlay;
using ePost.Overlay.Node;
using ePost.Core.Crypto;
using ePost.Storage.Glacier;
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

    /// <summary>Name of the archive (Glacier) actor under the guardian.</summary>
    public const string GlacierName = "glacier";

    /// <summary>Props for the guardian of a node with the given identity; <paramref name="signer"/> is the node's key (it signs Glacier manifests).</summary>
    public static Props Props(OverlaySettings overlay, StorageSettings storage, GlacierSettings glacier, string dataDir, RingId id, long epoch,
        IReadOnlyList<string> bootstrap, Ed25519KeyPair signer) =>
        Akka.Actor.Props.Create(() => new NodeGuardian(overlay, storage, glacier, dataDir, id, epoch, bootstrap, signer));

    /// <summary>Creates the guardian; use <see cref="Props"/>.</summary>
    public NodeGuardian(OverlaySettings overlay, StorageSettings storage, GlacierSettings glacier, string dataDir, RingId id, long epoch,
        IReadOnlyList<string> bootstrap, Ed25519KeyPair signer)
    {
        var ring = Context.ActorOf(RingNode.Props(overlay, id, epoch, bootstrap), OverlayName);
        var store = Context.ActorOf(ReplicaManager.Props(storage, ring, dataDir), StorageName);
        var archive = Context.ActorOf(GlacierActor.Props(glacier, ring, signer, dataDir), GlacierName);
        Receive<GetLayers>(_ => Sender.Tell(new Layers(ring, store, archive)));
    }

    /// <summary>Asks the guardian for its layers' actors.</summary>
    public sealed record GetLayers : INoSerializationVerificationNeeded
    {
        /// <summary>The one instance.</summary>
        public static readonly GetLayers Instance = new();
    }

    /// <summary>The node's layer actors: the ring node, the replicated store and the archive.</summary>
    public sealed record Layers(IActorRef Overlay, IActorRef Storage, IActorRef Glacier) : INoSerializationVerificationNeeded;
}
