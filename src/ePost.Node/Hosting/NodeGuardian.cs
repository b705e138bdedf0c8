using Akka.Actor;
using ePost.Core.Ids;
using ePost.Overlay;
using ePost.Overlay.Network;
using ePost.Overlay.Node;
using ePost.Core.Crypto;
using ePost.Post;
using ePost.Post.Delivery;
using ePost.Post.Mailbox;
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

    /// <summary>
    /// Props for the guardian of a node with the given identity, serving <paramref name="users"/> when the ring has a CA;
    /// <paramref name="signer"/> is the node's key (it signs Glacier manifests and storage receipts); <paramref name="authenticator"/> is
    /// what the transport proved about peers (null with TLS off).
    /// </summary>
    /// <param name="credential">The node's certified identity (with TLS on): its certificate goes with every storage receipt it signs.</param>
    /// <param name="trust">What the node trusts about other nodes (with TLS on): receipts count only from keys it certifies.</param>
    public static Props Props(OverlaySettings overlay, StorageSettings storage, GlacierSettings glacier, PostSettings post, string dataDir, RingId id,
        long epoch, IReadOnlyList<string> bootstrap, IReadOnlyList<(UserKeys Keys, bool Recover)> users, Ed25519KeyPair signer,
        IPeerAuthenticator? authenticator = null, Identity.NodeCredential? credential = null, Identity.RingTrust? trust = null) =>
        Akka.Actor.Props.Create(() => new NodeGuardian(overlay, storage, glacier, post, dataDir, id, epoch, bootstrap, users, signer, authenticator, credential, trust));

    /// <summary>Creates the guardian; use <see cref="Props"/>.</summary>
    public NodeGuardian(OverlaySettings overlay, StorageSettings storage, GlacierSettings glacier, PostSettings post, string dataDir, RingId id,
        long epoch, IReadOnlyList<string> bootstrap, IReadOnlyList<(UserKeys Keys, bool Recover)> users, Ed25519KeyPair signer,
        IPeerAuthenticator? authenticator, Identity.NodeCredential? credential, Identity.RingTrust? trust)
    {
        var ring = Context.ActorOf(RingNode.Props(overlay, id, epoch, bootstrap, authenticator: authenticator), OverlayName);
        // Without TLS there are no node certificates: receipts then only prove that the key fixes the holder's id.
        IMemberCertification members = trust is null ? UncertifiedMembers.Instance : new CertifiedMembers(trust.Check);
        var store = Context.ActorOf(ReplicaManager.Props(storage, ring, dataDir, signer: signer, certificate: credential?.Certificate.Encode(), members: members),
            StorageName);
        var archive = Context.ActorOf(GlacierActor.Props(glacier, ring, signer, dataDir), GlacierName);
        // Tools reach storage only through the overlay, the node's one entry point.
        foreach (var request in new[] { typeof(ClientPut), typeof(ClientGet), typeof(ClientListHeld) })
            ring.Tell(new RegisterClientService(request, store));
        // Without a ring CA nobody's certificate can be checked, so there is no POST: the node only routes and stores.
        PostServices? services = storage.CertificateAuthority is { } ca ? PostServices.Create(store, ring, ca, post, glacier: archive,
            gateway: credential is null ? null : new GatewayIdentity(signer, credential.Certificate.Encode()), nodeCheck: trust is null ? null : trust.Check) : null;
        var office = services is null ? null : Context.ActorOf(PostOffice.Props(services, users), PostOffice.Name);
        Receive<GetLayers>(_ => Sender.Tell(new Layers(ring, store, archive, office, services)));
    }

    /// <summary>
    /// Akka's default supervision, except that a layer that received <see cref="Kill"/> resumes with its state: the
    /// overlay is reachable from the network and Akka.Remote delivers a peer's <see cref="Kill"/> inside an actor
    /// selection, while nothing in the node ever kills a layer itself.
    /// </summary>
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(e => e is ActorKilledException ? Directive.Resume : Akka.Actor.SupervisorStrategy.DefaultDecider.Decide(e));

    /// <summary>Asks the guardian for its layers' actors.</summary>
    public sealed record GetLayers : INoSerializationVerificationNeeded
    {
        /// <summary>The one instance.</summary>
        public static readonly GetLayers Instance = new();
    }

    /// <summary>The node's layers: the ring node, the replicated store, the archive, and POST (null when the ring has no CA configured).</summary>
    public sealed record Layers(IActorRef Overlay, IActorRef Storage, IActorRef Glacier, IActorRef? Post, PostServices? PostServices)
        : INoSerializationVerificationNeeded;
}
