using Akka.Actor;
using Akka.Configuration;
using ePost.Node.Identity;
using ePost.Overlay;
using ePost.Overlay.Node;
using ePost.Storage.Glacier;
using ePost.Storage.Replication;

namespace ePost.Node.Hosting;

/// <summary>One running node: its actor system (listening for ring traffic), its identity and its layer actors.</summary>
public sealed class NodeHost : IAsyncDisposable
{
    private NodeHost(ActorSystem system, NodeIdentity identity, long epoch, IActorRef overlay, IActorRef storage, IActorRef glacier, NodeSettings settings)
    {
        Storage = storage;
        Glacier = glacier;
        System = system;
        Identity = identity;
        Epoch = epoch;
        Overlay = overlay;
        Settings = settings;
        Address = ((ExtendedActorSystem)system).Provider.DefaultAddress.ToString();
    }

    /// <summary>The node's actor system.</summary>
    public ActorSystem System { get; }

    /// <summary>The node's key and id.</summary>
    public NodeIdentity Identity { get; }

    /// <summary>This start's epoch.</summary>
    public long Epoch { get; }

    /// <summary>The <see cref="RingNode"/> actor.</summary>
    public IActorRef Overlay { get; }

    /// <summary>The <see cref="ReplicaManager"/> actor: the node's storage API.</summary>
    public IActorRef Storage { get; }

    /// <summary>The <see cref="GlacierActor"/>: the node's archive API.</summary>
    public IActorRef Glacier { get; }

    /// <summary>The address peers use to reach this node (the bootstrap address for others).</summary>
    public string Address { get; }

    /// <summary>The node settings it runs with.</summary>
    public NodeSettings Settings { get; }

    /// <summary>Starts a node from a complete configuration (see <see cref="NodeConfig.Build"/>).</summary>
    public static async Task<NodeHost> StartAsync(Config config, TimeSpan? timeout = null)
    {
        var settings = NodeSettings.Create(config);
        var overlay = OverlaySettings.Create(config);
        var storage = StorageSettings.Create(config);
        var glacier = GlacierSettings.Create(config);
        var identity = NodeIdentity.LoadOrCreate(settings.DataDir);
        var epoch = identity.NextEpoch();
        var system = ActorSystem.Create(settings.SystemName, config);
        try
        {
            var guardian = system.ActorOf(NodeGuardian.Props(overlay, storage, glacier, settings.DataDir, identity.Id, epoch, settings.Bootstrap, identity.SigningKey), NodeGuardian.Name);
            var layers = await guardian.Ask<NodeGuardian.Layers>(NodeGuardian.GetLayers.Instance, timeout ?? TimeSpan.FromSeconds(10));
            return new NodeHost(system, identity, epoch, layers.Overlay, layers.Storage, layers.Glacier, settings);
        }
        catch
        {
            await system.Terminate();
            throw;
        }
    }

    /// <summary>The node's current view of the ring.</summary>
    public Task<NodeStatus> StatusAsync(TimeSpan? timeout = null) =>
        Overlay.Ask<NodeStatus>(GetNodeStatus.Instance, timeout ?? TimeSpan.FromSeconds(5));

    /// <summary>Finds the root of a key through this node.</summary>
    public async Task<RootFound> FindRootAsync(Core.Ids.RingId key, TimeSpan? timeout = null)
    {
        var answer = await Overlay.Ask<object>(new FindRoot(key), timeout ?? TimeSpan.FromSeconds(15));
        return answer as RootFound ?? throw new TimeoutException(((RootNotFound)answer).Reason);
    }

    /// <summary>Stops the node through Akka's coordinated shutdown.</summary>
    public async ValueTask DisposeAsync() =>
        await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClrExitReason.Instance);
}
