using Akka.Actor;
using Akka.Configuration;
using ePost.Mail.Autoconfig;
using ePost.Node.Dashboard;
using ePost.Node.Identity;
using ePost.Overlay;
using ePost.Overlay.Node;
using ePost.Post;
using ePost.Post.Access;
using ePost.Post.Mailbox;
using ePost.Storage.Glacier;
using ePost.Storage.Replication;

namespace ePost.Node.Hosting;

/// <summary>One running node: its actor system (listening for ring traffic), its identity and its layer actors.</summary>
public sealed class NodeHost : IAsyncDisposable
{
    private NodeHost(ActorSystem system, NodeIdentity identity, long epoch, IActorRef overlay, IActorRef storage, IActorRef glacier, NodeSettings settings,
        NodeMail? mail)
    {
        Mail = mail;
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

    /// <summary>What the node's TLS handshake checks peers against (and how many it refused); null with TLS off.</summary>
    public RingTrust? Trust { get; private init; }

    /// <summary>What the node's transport proved about its peers (node ids at addresses, refusals); null with TLS off.</summary>
    public PeerRegistry? Peers { get; private init; }

    /// <summary>The node settings it runs with.</summary>
    public NodeSettings Settings { get; }

    /// <summary>POST and the mail backends of this node's users; null when the ring has no CA configured.</summary>
    public NodeMail? Mail { get; }

    /// <summary>Where the node's SMTP, POP3 and IMAP listen; null when the node serves no mail (no CA, or no users).</summary>
    public MailEndpoints? MailEndpoints { get; private set; }

    /// <summary>Starts a node from a complete configuration (see <see cref="NodeConfig.Build"/>).</summary>
    /// <param name="config">The node's configuration.</param>
    /// <param name="users">Users to serve besides those in <c>epost.post.users</c> (devnet, tests).</param>
    /// <param name="timeout">How long the layers may take to start.</param>
    public static async Task<NodeHost> StartAsync(Config config, IReadOnlyList<LocalUser>? users = null, TimeSpan? timeout = null)
    {
        var settings = NodeSettings.Create(config);
        var overlay = OverlaySettings.Create(config);
        var storage = StorageSettings.Create(config);
        var glacier = GlacierSettings.Create(config);
        var post = PostSettings.Create(config);
        var allUsers = NodeMail.LoadUsers(config).Concat(users ?? []).ToList();
        var identity = NodeIdentity.LoadOrCreate(settings.DataDir);
        // With TLS on, a node that cannot prove a certified id does not start (before its epoch is spent).
        var (credential, trust) = TransportSettings.Create(config).Tls ? RingTransport.Load(config, identity) : (null, null);
        var epoch = identity.NextEpoch();
        var system = RingTransport.CreateSystem(settings.SystemName, config, credential, trust);
        try
        {
            var guardian = system.ActorOf(NodeGuardian.Props(overlay, storage, glacier, post, settings.DataDir, identity.Id, epoch, settings.Bootstrap,
                allUsers.Select(u => (u.Keys, u.Recover)).ToList(), identity.SigningKey, PeerAuthSetup.Of(system), credential, trust), NodeGuardian.Name);
            var layers = await guardian.Ask<NodeGuardian.Layers>(NodeGuardian.GetLayers.Instance, timeout ?? TimeSpan.FromSeconds(10));
            NodeMail? mail = null;
            if (layers.Post is { } office && layers.PostServices is { } services)
            {
                var agents = await office.Ask<PostOffice.Agents>(PostOffice.GetAgents.Instance, timeout ?? TimeSpan.FromSeconds(10));
                mail = NodeMail.Create(config, settings.DataDir, office, services, allUsers, agents.ByAddress);
            }
            var host = new NodeHost(system, identity, epoch, layers.Overlay, layers.Storage, layers.Glacier, settings, mail)
            {
                Trust = trust,
                Peers = PeerAuthSetup.Of(system),
            };
            if (mail is not null && allUsers.Count > 0)
            {
                host.MailEndpoints = await MailProtocols.StartAsync(system, config, settings.DataDir, mail);
                var dashboard = DashboardSettings.Create(config);
                if (dashboard.Enabled) host.Dashboard = await StartDashboardAsync(host, config, dashboard, host.MailEndpoints);
            }
            return host;
        }
        catch
        {
            await system.Terminate();
            throw;
        }
    }

    /// <summary>The node's web dashboard; null when it is off or the node serves no users.</summary>
    public DashboardServer? Dashboard { get; private set; }

    private static Task<DashboardServer> StartDashboardAsync(NodeHost host, Config config, DashboardSettings settings, MailEndpoints endpoints)
    {
        var mail = config.GetConfig("epost.mail");
        var name = mail.GetString("host-name");
        var ports = new MailServerPorts(name, endpoints.Imap, endpoints.Imaps, endpoints.Pop3, endpoints.Pop3s, endpoints.Smtp, endpoints.Smtps);
        return DashboardServer.StartAsync(settings, host, MailProtocols.LoadCertificate(mail, host.Settings.DataDir, name), ports, mail.GetTimeSpan("backend-timeout"));
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
    public async ValueTask DisposeAsync()
    {
        if (Dashboard is { } dashboard) await dashboard.DisposeAsync();
        await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClrExitReason.Instance);
    }
}
