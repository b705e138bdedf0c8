using ePost.Core.Ids;
using ePost.Overlay.Admission;
using ePost.Overlay.Join;
using ePost.Overlay.Liveness;
using ePost.Overlay.Network;
using ePost.Overlay.Routing;

namespace ePost.Overlay.Node;

/// <summary>
/// The Pastry protocol of one node as a plain state machine: messages and timers in, sends and upcalls out through
/// <see cref="IPeerNetwork"/> and <see cref="IOverlayHost"/>. The <c>RingNode</c> actor hosts it over Akka.Remote;
/// the simulator hosts thousands of them on virtual time. Not thread-safe: its host calls it from one thread.
/// </summary>
public sealed partial class PastryNode
{
    private readonly OverlaySettings _settings;
    private readonly IPeerNetwork _network;
    private readonly IOverlayHost _host;

    /// <summary>Creates a node that is not yet part of any ring; call <see cref="Start"/>.</summary>
    public PastryNode(NodeHandle self, OverlaySettings settings, IPeerNetwork network, IOverlayHost host)
    {
        if (!network.IsValidAddress(self.Address))
            throw new ArgumentException($"'{self.Address}' is not an address of this network.", nameof(self));
        Self = self;
        _settings = settings;
        _network = network;
        _host = host;
        LeafSet = new LeafSet(self, settings.LeafSetSize);
        Table = new RoutingTable(self, settings.DigitBits);
        _leafCandidates = new LeafSet(self, settings.LeafSetSize);
        _stillCandidate = n => IsBeingVerified(n.Id) && !LeafSet.Contains(n.Id);
        _rates = new PeerRateLimiter(settings.PeerMessagesPerSecond, settings.PeerMessageBurst,
            settings.PeerBytesPerSecond, settings.PeerByteBurst, settings.RateLimitedPeers);
    }

    /// <summary>This node.</summary>
    public NodeHandle Self { get; }

    /// <summary>The numerically closest nodes.</summary>
    public LeafSet LeafSet { get; }

    /// <summary>The prefix routing table.</summary>
    public RoutingTable Table { get; }

    /// <summary>True once joined: the node routes and accepts deliveries as a ring member.</summary>
    public bool IsReady { get; private set; }

    /// <summary>True after <see cref="Stop"/>: joins are refused.</summary>
    public bool IsStopping { get; private set; }

    /// <summary>Message counters.</summary>
    public OverlayCounters Counters { get; } = new();

    /// <summary>Joins the ring through the first bootstrap address that answers, or forms a new ring when there is none.</summary>
    public void Start(IReadOnlyList<string> bootstrapAddresses)
    {
        _bootstraps = bootstrapAddresses.Where(a => a != Self.Address).ToArray();
        _host.StartTimer(ProbeTick.Instance, Jitter(_settings.ProbeInterval));
        _host.StartTimer(TableMaintenanceTick.Instance, Jitter(_settings.TableMaintenanceInterval));
        _host.StartTimer(HealTick.Instance, Jitter(_settings.HealInterval));
        if (_bootstraps.Length == 0) BecomeReady();
        else SendJoin(0);
    }

    /// <summary>Stops taking joins (the host is shutting the node down).</summary>
    public void Stop() => IsStopping = true;

    /// <summary>
    /// Handles one message from a peer. <paramref name="from"/> is the sender as the transport proved it: a message
    /// whose claimed sender differs is dropped and counted (<see cref="OverlayCounters.ForgedSender"/>), a peer over
    /// its rate is throttled (<see cref="OverlayCounters.Throttled"/>). Malformed or unexpected messages are dropped
    /// and counted, never thrown.
    /// </summary>
    public void Receive(IOverlayMessage message, AuthenticatedPeer from)
    {
        Counters.Received++;
        // Keyed by address: the transport proves one node id per address, and the key costs no allocation.
        if (!_rates.TryTake(from.Address ?? "", ApproximateSize(message), _host.Now))
        {
            Counters.Throttled++;
            return;
        }
        if (ClaimedSender(message) is { } claimed && !IsSender(claimed, from))
        {
            Forged($"{message.GetType().Name} claims to come from {claimed} but came from {from.Node?.ToShortString() ?? "?"}@{from.Address}");
            return;
        }
        Dispatch(message);
    }

    /// <summary>Handles a message without counting it (the inner message of a relayed one was counted as that).</summary>
    private void Dispatch(IOverlayMessage message)
    {
        switch (message)
        {
            case RouteMessage m: OnRoute(m); break;
            case DirectMessage m: OnDirect(m); break;
            case LookupReply m: OnLookupReply(m); break;
            case Probe m: OnProbe(m); break;
            case ProbeReply m: OnProbeReply(m); break;
            case LeafSetInfo m: OnLeafSetInfo(m); break;
            case JoinRequest m: OnJoinRequest(m); break;
            case JoinAccepted m: OnJoinAccepted(m); break;
            case JoinRejected m: OnJoinRejected(m); break;
            case Announce m: OnAnnounce(m); break;
            case RowRequest m: OnRowRequest(m); break;
            case RowReply m: OnRowReply(m); break;
            case Relayed m: OnRelayed(m); break;
            case HopAck m: OnHopAck(m); break;
            default: Drop($"unexpected {message.GetType().Name}"); break;
        }
    }

    /// <summary>Handles one of this node's timers.</summary>
    public void OnTimer(OverlayTimer timer)
    {
        switch (timer)
        {
            case ProbeTick: OnProbeTick(); break;
            case ProbeTimeout t: OnProbeTimeout(t); break;
            case JoinTimeout t: OnJoinTimeout(t); break;
            case JoinRetry t: OnJoinRetry(t); break;
            case TableMaintenanceTick: OnTableMaintenance(); break;
            case HealTick: OnHealTick(); break;
            case RelayRoundTimeout t: OnRelayRoundTimeout(t); break;
            case HopAckTimeout t: OnHopAckTimeout(t); break;
        }
    }

    /// <summary>Sends a payload towards the root of <paramref name="key"/>; queued while the node is still joining.</summary>
    /// <returns>False when the queue for a joining node is full (the payload is not sent).</returns>
    public bool Route(RingId key, object payload)
    {
        var message = new RouteMessage(key, Self, Self, payload, 0);
        if (!IsReady)
        {
            if (_queuedRoutes.Count >= _settings.MaxQueuedRoutes) return false;
            _queuedRoutes.Enqueue(message);
            return true;
        }
        Forward(message);
        return true;
    }

    /// <summary>Finds the root of a key; the answer arrives through <see cref="IOverlayHost.LookupCompleted"/>.</summary>
    public bool Lookup(RingId key, long requestId) => Route(key, new LookupProbe(requestId));

    /// <summary>Sends a payload straight to a known node.</summary>
    public void SendDirect(NodeHandle to, object payload)
    {
        if (to.Id == Self.Id) _host.DeliverDirect(Self, payload);
        else Send(to.Address, new DirectMessage(Self, payload), maintenance: false);
    }

    /// <summary>A snapshot of the node's view for status pages and tests.</summary>
    public NodeStatus Status() => new(
        Self, IsReady, LeafSet.Clockwise.ToArray(), LeafSet.CounterClockwise.ToArray(),
        Table.Count, Table.HighestPopulatedRow + 1, Counters.Sent, Counters.Received, Counters.Dropped,
        LeafSet.Members.Select(Neighbour).ToArray(), _recentlyDead.Count, ExpectsHealingAnswer);

    private NeighbourStatus Neighbour(NodeHandle member)
    {
        var peer = _peers.GetValueOrDefault(member.Id);
        return new(member.Id, peer?.Suspected == true, peer?.Rtt.SmoothedRtt?.TotalMilliseconds, RelayFor(member)?.Id);
    }

    /// <summary>Sends to a node's address, over its cached one-hop source route when the direct path failed.</summary>
    private void Send(string address, IOverlayMessage message, bool maintenance)
    {
        Counters.Sent++;
        if (maintenance) Counters.MaintenanceSent++;
        // An answer to a message that came through a relay goes back through it, whatever routes we hold. Our own
        // probes do not: what a relay says of a node is verified on our own path to it.
        if (_arrivedVia is { } via && via.Origin.Address == address && message is not Probe)
            _network.Send(via.Relay.Address, new Relayed(Self, via.Relay, via.Origin, message));
        else if (RouteTo(address) is var (relay, target))
            _network.Send(relay.Address, new Relayed(Self, relay, target, message));
        else
            _network.Send(address, message);
    }

    private void Drop(string reason)
    {
        Counters.Dropped++;
        _host.OnEvent(new MessageDropped(reason));
    }

    /// <summary>
    /// Checks a handle that arrived from the network: a plausible address, a non-negative epoch, and not an
    /// impostor claiming this node's id from another address.
    /// </summary>
    private bool IsAcceptable(NodeHandle? handle)
    {
        if (!IsWellFormed(handle)) return false;
        if (handle.Id == Self.Id) return handle.Address == Self.Address && handle.Epoch == Self.Epoch;
        return true;
    }

    /// <summary>A plausible address and a non-negative epoch.</summary>
    private bool IsWellFormed([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] NodeHandle? handle) =>
        handle is not null && handle.Address is { Length: > 0 and <= 512 } && handle.Epoch >= 0 && _network.IsValidAddress(handle.Address);

    private bool AreAcceptable(NodeHandle[]? handles, int max) =>
        handles is not null && handles.Length <= max && handles.All(IsAcceptable);

    private TimeSpan Jitter(TimeSpan interval) =>
        TimeSpan.FromTicks((long)(interval.Ticks * (0.5 + _host.Random.NextDouble() * 0.5)));

    private NodeHandle[] LeafSetArray() => LeafSet.MemberArray;
}
