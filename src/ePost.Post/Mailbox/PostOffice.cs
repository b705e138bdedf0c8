using Akka.Actor;
using Akka.Event;
using ePost.Core.Crypto;
using ePost.Overlay.Node;
using ePost.Post.Wire;

namespace ePost.Post.Mailbox;

/// <summary>
/// <c>/user/node/post</c>: the node's POST layer. Starts one <see cref="UserAgent"/> per local user, receives the
/// direct hints senders send ("a notification waits for your user") and hands them to the user's agent.
/// </summary>
public sealed class PostOffice : ReceiveActor
{
    /// <summary>Name under the node guardian.</summary>
    public const string Name = "post";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly PostServices _services;
    private readonly Dictionary<string, IActorRef> _agents = new(StringComparer.Ordinal);

    /// <summary>Props for the post office of a node serving <paramref name="users"/>.</summary>
    /// <param name="services">The node's POST services.</param>
    /// <param name="users">The users, each with whether its mailbox is being recovered from the ring.</param>
    public static Props Props(PostServices services, IReadOnlyList<(UserKeys Keys, bool Recover)> users) =>
        Akka.Actor.Props.Create(() => new PostOffice(services, users));

    /// <summary>Creates the post office; use <see cref="Props"/>.</summary>
    public PostOffice(PostServices services, IReadOnlyList<(UserKeys Keys, bool Recover)> users)
    {
        _services = services;
        foreach (var (keys, recover) in users) Start(keys, recover);
        Receive<DirectDelivered>(d => d.Payload is NotificationWaiting, d =>
        {
            var hint = (NotificationWaiting)d.Payload;
            if (_agents.TryGetValue(hint.Recipient, out var agent)) agent.Tell(new CollectNotifications(hint.NotificationId));
            else _log.Debug("A notification hint for {0}, who is not served here (any more)", hint.Recipient);
        });
        Receive<DirectDelivered>(d => d.Payload is LogsChanged, d =>
        {
            var hint = (LogsChanged)d.Payload;
            // The agent checks the signature and that the hint's sender is this authenticated peer.
            if (_agents.TryGetValue(hint.User, out var agent)) agent.Tell(new DeviceHintReceived(hint.Hint, d.From.Id));
            else _log.Debug("A log hint for {0}, who is not served here (any more)", hint.User);
        });
        Receive<DirectDelivered>(_ => { });
        // A node that comes online (start, the end of a partition, peers back) collects the mail waiting for its users
        // at once: the ring's view of who holds the notifications has just changed, so the last listing may be stale.
        Receive<BecameReady>(_ => CollectAll());
        Receive<LeafSetChanged>(_ => CollectAll());
        Receive<OverlayEvent>(_ => { });
        Receive<NodeStatus>(status =>
        {
            if (status.Ready) CollectAll();
        });
        Receive<Delivered>(_ => { });
        Receive<GetAgents>(_ => Sender.Tell(new Agents(new Dictionary<string, IActorRef>(_agents))));
        Receive<AddUser>(add => Sender.Tell(new Agents(new Dictionary<string, IActorRef> { [add.Keys.Certificate.Address] = Start(add.Keys, add.RequireExisting) })));
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        _services.Overlay.Tell(new RegisterApplication(typeof(IPostMessage), Self));
        _services.Overlay.Tell(new SubscribeOverlayEvents(Self));
        // The overlay may have become ready before this subscription.
        _services.Overlay.Tell(GetNodeStatus.Instance);
    }

    private void CollectAll()
    {
        foreach (var agent in _agents.Values) agent.Tell(new CollectNotifications(null));
    }

    private IActorRef Start(UserKeys keys, bool requireExisting)
    {
        var address = keys.Certificate.Address;
        if (_agents.TryGetValue(address, out var running)) return running;
        var agent = Context.ActorOf(UserAgent.Props(keys, _services, requireExisting), "user-" + keys.Certificate.UserId.ToString());
        _agents[address] = agent;
        return agent;
    }

    /// <summary>Asks for the users' agents (answered with <see cref="Agents"/>).</summary>
    public sealed record GetAgents : INoSerializationVerificationNeeded
    {
        /// <summary>The one instance.</summary>
        public static readonly GetAgents Instance = new();
    }

    /// <summary>Starts serving another user (with <paramref name="RequireExisting"/>, recovering the mailbox from the ring); answered with <see cref="Agents"/> holding that user's agent.</summary>
    public sealed record AddUser(UserKeys Keys, bool RequireExisting) : INoSerializationVerificationNeeded;

    /// <summary>The agents by address.</summary>
    public sealed record Agents(IReadOnlyDictionary<string, IActorRef> ByAddress) : INoSerializationVerificationNeeded;
}
