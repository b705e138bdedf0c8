using System.Security.Cryptography;
using Akka.Actor;
using Akka.Event;
using ePost.Core.Ids;
using ePost.Core.Time;
using ePost.Overlay.Network;

namespace ePost.Overlay.Node;

/// <summary>
/// The overlay actor of one node: hosts the <see cref="PastryNode"/> protocol, carries its traffic over Akka.Remote,
/// runs its timers on the Akka scheduler (virtual time under the TestKit's TestScheduler) and hands deliveries to
/// the applications registered for them.
/// </summary>
public sealed class RingNode : ReceiveActor, IWithTimers, IOverlayHost
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly OverlaySettings _settings;
    private readonly IReadOnlyList<string> _bootstraps;
    private readonly PastryNode _node;
    private readonly IMonotonicClock _time;
    private readonly List<(Type Type, IActorRef Handler)> _applications = new();
    private readonly Dictionary<Type, IActorRef> _clientServices = new();
    private readonly HashSet<IActorRef> _subscribers = new();
    private readonly Dictionary<long, (IActorRef Asker, RingId Key)> _lookups = new();
    private readonly EarlyDeliveries _early;
    private readonly bool _attached;

    /// <summary>Props for a ring node with the given id and epoch, joining through <paramref name="bootstraps"/> (none: start a ring).</summary>
    /// <param name="settings">The overlay settings.</param>
    /// <param name="id">This node's id.</param>
    /// <param name="epoch">This process's incarnation number.</param>
    /// <param name="bootstraps">Addresses to join through; none starts a new ring.</param>
    /// <param name="clock">The node's time; by default the scheduler's monotonic clock. Tests on the TestScheduler pass a <see cref="SchedulerVirtualClock"/>.</param>
    /// <param name="authenticator">What the transport proved about each peer address; null when it authenticates nobody (TLS off, engine tests).</param>
    public static Props Props(OverlaySettings settings, RingId id, long epoch, IReadOnlyList<string> bootstraps, IMonotonicClock? clock = null,
        IPeerAuthenticator? authenticator = null) =>
        Akka.Actor.Props.Create(() => new RingNode(settings, id, epoch, bootstraps, clock, null, authenticator));

    /// <summary>
    /// Props for a ring node whose peer traffic goes through another network than Akka.Remote (the whole-system
    /// simulator): <paramref name="attachment"/> names the node's address there and connects the actor to it.
    /// </summary>
    public static Props Props(OverlaySettings settings, RingId id, long epoch, IReadOnlyList<string> bootstraps, IMonotonicClock clock,
        PeerAttachment attachment) =>
        Akka.Actor.Props.Create(() => new RingNode(settings, id, epoch, bootstraps, clock, attachment, null));

    /// <summary>Creates the actor; use <see cref="Props"/>.</summary>
    public RingNode(OverlaySettings settings, RingId id, long epoch, IReadOnlyList<string> bootstraps, IMonotonicClock? clock, PeerAttachment? attachment,
        IPeerAuthenticator? authenticator = null)
    {
        Authenticator = authenticator;
        _settings = settings;
        _attached = attachment is not null;
        _bootstraps = bootstraps;
        _time = clock ?? new SchedulerMonotonicClock((ITimeProvider)Context.System.Scheduler);
        _early = new EarlyDeliveries(settings.EarlyDeliveryLimit, settings.EarlyDeliveryWait);
        // Unseeded: join nonces come from it, and a peer off the join's route must not predict them.
        Random = new Random();
        var system = (ExtendedActorSystem)Context.System;
        var address = attachment?.Address ?? system.Provider.DefaultAddress.ToString();
        var network = attachment?.Connect(Self) ?? new AkkaPeerNetwork(system, Self, Self.Path.ToStringWithoutAddress());
        _node = new PastryNode(new NodeHandle(id, address, epoch), settings, network, this);

        Receive<IOverlayMessage>(m => m is GetNodeStatus, _ => Sender.Tell(_node.Status()));
        Receive<ClientRequest>(OnClientRequest);
        Receive<IOverlayMessage>(m => m is not NodeStatus, m => _node.Receive(m, SenderPeer()));
        // From the network this node is attached to instead of Akka.Remote, with the sender that network proved;
        // never accepted otherwise (it is a local message: no serializer carries it).
        Receive<PeerDelivery>(_ => _attached, d => _node.Receive(d.Message, d.From));
        Receive<OverlayTimer>(OnTimer);
        Receive<RouteTo>(m =>
        {
            if (!_node.Route(m.Key, m.Payload)) _log.Warning("Route queue full while joining; dropped payload for {0}", m.Key);
        });
        Receive<SendTo>(m => _node.SendDirect(m.To, m.Payload));
        Receive<FindRoot>(StartLookup);
        Receive<RegisterApplication>(Register);
        Receive<SubscribeOverlayEvents>(m => _subscribers.Add(m.Subscriber));
        Receive<GetOverlayCounters>(_ => Sender.Tell(_node.Counters.Copy()));
        Receive<RegisterClientService>(m => _clientServices[m.RequestType] = m.Handler);
        // The overlay is the one actor reachable from the network: anything outside its protocol is counted and dropped.
        ReceiveAny(_ => _node.Counters.Refused++);
    }

    /// <summary>What the transport proved about peer addresses; null when it authenticates nobody.</summary>
    public IPeerAuthenticator? Authenticator { get; }

    /// <summary>The sender of the message being handled as the transport proved it: its address and the node id proven there, if any.</summary>
    private AuthenticatedPeer SenderPeer() => new(Sender.Path.Address.ToString(), Authenticator?.NodeAt(Sender.Path.Address));

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <inheritdoc />
    public TimeSpan Now => _time.Elapsed;

    /// <inheritdoc />
    public Random Random { get; }

    /// <inheritdoc />
    protected override void PreStart()
    {
        _log.Info("Ring node {0} starting{1}", _node.Self, _bootstraps.Count == 0 ? " a new ring" : " and joining through " + string.Join(", ", _bootstraps));
        _node.Start(_bootstraps);
    }

    /// <inheritdoc />
    protected override void PostStop() => _node.Stop();

    /// <inheritdoc />
    public void StartTimer(OverlayTimer timer, TimeSpan delay) => Timers.StartSingleTimer(timer, timer, delay);

    /// <inheritdoc />
    public void CancelTimer(OverlayTimer timer) => Timers.Cancel(timer);

    /// <inheritdoc />
    public void Deliver(RingId key, object payload, NodeHandle origin, int hops) =>
        Dispatch(payload, new Delivered(key, payload, origin, hops));

    /// <inheritdoc />
    public void DeliverDirect(NodeHandle from, object payload) =>
        Dispatch(payload, new DirectDelivered(from, payload));

    /// <inheritdoc />
    public void LookupCompleted(long requestId, RingId key, NodeHandle root, int hops)
    {
        // The answer counts only for the key asked: a reply naming the id of another lookup (ids are random, but a
        // peer on the lookup's route has seen it) must not complete that lookup with a root for some other key.
        if (!_lookups.TryGetValue(requestId, out var pending) || pending.Key != key) return;
        _lookups.Remove(requestId);
        Timers.Cancel(LookupTimerKey(requestId));
        pending.Asker.Tell(new RootFound(key, root, hops));
    }

    /// <inheritdoc />
    public void OnEvent(OverlayEvent e)
    {
        switch (e)
        {
            case BecameReady r: _log.Info("Ring node {0} is ready; leaf set {1}", r.Self, _node.LeafSet.Count); break;
            case NodeDeclaredDead d: _log.Info("Declared {0} dead", d.Node); break;
            case JoinFailed f: _log.Error("Join failed for good: {0}", f.Reason); break;
            case MessageDropped m: _log.Debug("Dropped a message: {0}", m.Reason); break;
        }
        foreach (var subscriber in _subscribers) subscriber.Tell(e);
    }

    private void OnTimer(OverlayTimer timer)
    {
        if (timer is EarlyExpiry)
        {
            ExpireEarly();
            return;
        }
        if (timer is LookupExpired expired)
        {
            if (_lookups.Remove(expired.RequestId, out var pending))
                pending.Asker.Tell(new RootNotFound(pending.Key, $"no answer within {_settings.LookupTimeout}"));
            return;
        }
        _node.OnTimer(timer);
    }

    private void StartLookup(FindRoot find)
    {
        // Random, not a counter: a peer must not guess the id of a lookup it was not on the route of.
        long id;
        do id = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8)) & long.MaxValue;
        while (id == 0 || _lookups.ContainsKey(id));
        // Register first: when this node is the root, the answer arrives synchronously inside Lookup.
        _lookups[id] = (Sender, find.Key);
        if (!_node.Lookup(find.Key, id))
        {
            _lookups.Remove(id);
            Sender.Tell(new RootNotFound(find.Key, "node is joining and its queue is full"));
            return;
        }
        if (_lookups.ContainsKey(id))
            Timers.StartSingleTimer(LookupTimerKey(id), new LookupExpired(id), _settings.LookupTimeout);
    }

    private static string LookupTimerKey(long id) => "lookup-" + id;

    private void Dispatch(object payload, object envelope)
    {
        var delivered = false;
        foreach (var (type, handler) in _applications)
            if (type.IsInstanceOfType(payload))
            {
                handler.Tell(envelope);
                delivered = true;
            }
        if (delivered) return;
        ExpireEarly();
        if (_early.Hold(payload, envelope, Now))
        {
            if (_early.Count == 1) StartTimer(EarlyExpiry.Instance, _settings.EarlyDeliveryWait);
            return;
        }
        _log.Warning("No application registered for {0} and {1} deliveries already wait for one; dropped ({2} dropped so far for a full buffer)",
            payload.GetType().Name, _early.Count, _early.DroppedFull);
    }

    private void OnClientRequest(ClientRequest request)
    {
        if (!_clientServices.TryGetValue(request.Request.GetType(), out var service))
        {
            _node.Counters.Refused++;
            return;
        }
        _node.Counters.ClientRequests++;
        service.Tell(request.Request, Sender);
    }

    private void Register(RegisterApplication registration)
    {
        _applications.Add((registration.PayloadType, registration.Handler));
        // Held deliveries go out in arrival order, before anything that arrives after this registration.
        foreach (var envelope in _early.Release(registration.PayloadType)) registration.Handler.Tell(envelope);
    }

    private void ExpireEarly()
    {
        var expired = _early.Expire(Now);
        if (expired > 0)
            _log.Warning("No application registered within {0} for {1} early deliveries; dropped ({2} expired so far)",
                _settings.EarlyDeliveryWait, expired, _early.DroppedExpired);
        if (_early.NextDeadline is { } next) StartTimer(EarlyExpiry.Instance, next > Now ? next - Now : TimeSpan.Zero);
        else CancelTimer(EarlyExpiry.Instance);
    }

    private sealed record LookupExpired(long RequestId) : OverlayTimer;

    private sealed record EarlyExpiry : OverlayTimer
    {
        public static readonly EarlyExpiry Instance = new();
    }
}

/// <summary>A network other than Akka.Remote for a <see cref="RingNode"/>: its address there, and how the actor attaches to it.</summary>
/// <param name="Address">The node's address on that network (its handle carries it).</param>
/// <param name="Connect">Attaches the ring node actor and returns the network it sends through.</param>
public sealed record PeerAttachment(string Address, Func<IActorRef, IPeerNetwork> Connect);

/// <summary>A message from the network a <see cref="PeerAttachment"/> connects, with the sender that network proved.</summary>
/// <param name="Message">The overlay message.</param>
/// <param name="From">Its sender.</param>
public sealed record PeerDelivery(IOverlayMessage Message, AuthenticatedPeer From);
