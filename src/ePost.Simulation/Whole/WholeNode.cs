using Akka.Actor;
using ePost.Core.Crypto;
using ePost.Core.Ids;
using ePost.Core.Time;
using ePost.Mail.Delivery;
using ePost.Mail.Spool;
using ePost.Overlay;
using ePost.Overlay.Node;
using ePost.Post;
using ePost.Post.Access;
using ePost.Post.Mailbox;
using ePost.Storage.Glacier;
using ePost.Storage.Replication;

namespace ePost.Simulation.Whole;

/// <summary>The settings every node of a whole-system simulation runs with.</summary>
/// <param name="Overlay">Overlay settings.</param>
/// <param name="Storage">Storage settings (with the ring CA, so POST runs).</param>
/// <param name="Glacier">Glacier settings.</param>
/// <param name="Post">POST settings.</param>
/// <param name="Delivery">The submission spool's delivery settings.</param>
/// <param name="CaPublicKey">The ring CA's public key.</param>
/// <param name="Domain">The users' mail domain.</param>
public sealed record WholeSettings(OverlaySettings Overlay, StorageSettings Storage, GlacierSettings Glacier, PostSettings Post, DeliverySettings Delivery,
    byte[] CaPublicKey, string Domain);

/// <summary>
/// One node of the simulation: what survives its crashes (its key, its data directory with the SQLite object store,
/// Glacier's fragments and the spool, its users) and, while it runs, its guardian actor. Everything else (the
/// overlay's tables, pending requests, agents' memory, delivery attempts in flight) lives in actors and dies with them.
/// </summary>
public sealed class WholeNode
{
    internal WholeNode(int index, Ed25519KeyPair key, string dataDir, IReadOnlyList<LocalUser> users)
    {
        Index = index;
        Key = key;
        Id = RingId.FromSha256(key.PublicKey);
        DataDir = dataDir;
        Users = users;
        Directory.CreateDirectory(dataDir);
    }

    /// <summary>Position in the simulation (and the network endpoint index).</summary>
    public int Index { get; }

    /// <summary>The node key (its id is the key's SHA-256, as for real nodes; it signs Glacier manifests).</summary>
    public Ed25519KeyPair Key { get; }

    /// <summary>The node id.</summary>
    public RingId Id { get; }

    /// <summary>The durable data directory.</summary>
    public string DataDir { get; }

    /// <summary>The users whose mailboxes this node serves.</summary>
    public IReadOnlyList<LocalUser> Users { get; }

    /// <summary>The node's address on the simulated network.</summary>
    public string Address => WireNetwork.AddressOf(Index);

    /// <summary>Starts so far (the epoch of the current run).</summary>
    public long Epoch { get; internal set; }

    /// <summary>How far the node's wall clock is off (a clock-skew nemesis; leases use monotonic time and ignore it).</summary>
    public TimeSpan WallClockSkew { get; internal set; }

    /// <summary>The running guardian, or null while the node is down.</summary>
    public IActorRef? Guardian { get; internal set; }

    /// <summary>The running layers, or null while the node is down.</summary>
    public WholeNodeGuardian.Parts? Parts { get; internal set; }

    /// <summary>True while the node runs.</summary>
    public bool IsUp => Guardian is not null;

    /// <summary>True while the node is paused (its actors hold their mail until it resumes).</summary>
    public bool IsPaused { get; internal set; }

    /// <summary>While its disk is full, the bytes its store may hold (what it held when the disk filled); null otherwise.</summary>
    public long? FullDiskBytes { get; internal set; }

    /// <summary>True while the node runs and is not paused: it answers.</summary>
    public bool Answers => IsUp && !IsPaused;
}

/// <summary>
/// The guardian of one simulated node: the same layers as <c>NodeGuardian</c> in ePost.Node (overlay, replicated
/// store, Glacier, POST office and agents) plus the submission spool's delivery agent, with the overlay attached to
/// the <see cref="WireNetwork"/> and every layer's clock on virtual time.
/// </summary>
public sealed class WholeNodeGuardian : ReceiveActor
{
    /// <summary>Props for a run of <paramref name="node"/> joining through <paramref name="bootstrap"/> (none: start the ring).</summary>
    public static Props Props(WholeNode node, WholeSettings settings, WireNetwork network, IReadOnlyList<string> bootstrap) =>
        Akka.Actor.Props.Create(() => new WholeNodeGuardian(node, settings, network, bootstrap));

    /// <summary>Creates the guardian; use <see cref="Props"/>.</summary>
    public WholeNodeGuardian(WholeNode node, WholeSettings settings, WireNetwork network, IReadOnlyList<string> bootstrap)
    {
        // A restarted process's monotonic clock starts again; its wall clock is the host's, skewed or not.
        var clock = new SchedulerVirtualClock(Context.System.Scheduler);
        var index = node.Index;
        var ring = Context.ActorOf(RingNode.Props(settings.Overlay, node.Id, node.Epoch, bootstrap, clock,
            new PeerAttachment(node.Address, self => network.Connect(index, self, node.Id))), "overlay");
        var store = Context.ActorOf(ReplicaManager.Props(StorageOn(node, settings.Storage), ring, node.DataDir, clock, signer: node.Key), "storage");
        var glacier = Context.ActorOf(GlacierActor.Props(settings.Glacier, ring, node.Key, node.DataDir, clock), "glacier");
        var services = PostServices.Create(store, ring, settings.CaPublicKey, settings.Post,
            new SkewedClock(Context.System.Scheduler, node.WallClockSkew), glacier);
        var office = Context.ActorOf(PostOffice.Props(services, node.Users.Select(u => (u.Keys, false)).ToList()), PostOffice.Name);
        var directory = new PostUserDirectory(node.Users, services.Certificates, [settings.Domain]);
        var spool = new FileSpool(Path.Combine(node.DataDir, "spool"));
        Context.ActorOf(DeliveryAgent.Props(settings.Delivery, spool, directory, new PostRingDelivery(directory, services.Sender, services.Gateway)), "delivery");
        var parts = new Parts(ring, store, office, spool);
        Receive<GetParts>(_ => Sender.Tell(parts));
    }

    /// <summary>
    /// The storage settings of a node on a full disk: the store's budget is what it held when the disk filled (and
    /// objects are capped at 64 KiB so a budget that small is valid), so it refuses new objects with OverBudget.
    /// </summary>
    private static StorageSettings StorageOn(WholeNode node, StorageSettings settings)
    {
        if (node.FullDiskBytes is not { } held) return settings;
        const int MaxObject = 64 * 1024;
        return settings with { MaxObjectBytes = MaxObject, NodeBudgetBytes = Math.Max(held, MaxObject), ChunkBytes = Math.Min(settings.ChunkBytes, MaxObject) };
    }

    /// <summary>Asks for the layers (answered with <see cref="Parts"/>).</summary>
    public sealed record GetParts : INoSerializationVerificationNeeded
    {
        /// <summary>The one instance.</summary>
        public static readonly GetParts Instance = new();
    }

    /// <summary>A running node's layers and its spool (what an SMTP session would accept into).</summary>
    public sealed record Parts(IActorRef Overlay, IActorRef Storage, IActorRef PostOffice, FileSpool Spool) : INoSerializationVerificationNeeded;

    /// <summary>The scheduler's (virtual) wall clock, off by a fixed skew.</summary>
    private sealed class SkewedClock(IScheduler scheduler, TimeSpan skew) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => scheduler.Now + skew;
    }
}
