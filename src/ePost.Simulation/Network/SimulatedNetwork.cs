using System.Globalization;
using ePost.Core.Ids;
using ePost.Overlay;
using ePost.Overlay.Network;
using ePost.Simulation.Faults;

namespace ePost.Simulation.Network;

/// <summary>
/// A network of simulated endpoints on one <see cref="EventQueue"/>: a message sent from one endpoint arrives at the
/// addressed endpoint after the modelled latency, or vanishes if nobody is listening there (as with a crashed host),
/// if <see cref="Faults"/> stop it (partition, blocked link) or if it is lost.
/// </summary>
public sealed class SimulatedNetwork
{
    private const string Scheme = "sim:";
    private readonly List<Endpoint?> _endpoints = new();
    private readonly Dictionary<Type, long> _sentByKind = new();
    private readonly LatencyModel _latency;
    private readonly Random _random;

    /// <summary>Creates a network on a virtual clock; positions (and, once configured, fault draws) derive from <paramref name="random"/>.</summary>
    public SimulatedNetwork(EventQueue clock, LatencyModel latency, Random random)
    {
        Clock = clock;
        _latency = latency;
        _random = random;
        // The fault generator is derived only when a random fault is first configured, so a run without faults
        // draws exactly the positions it drew before faults existed.
        Faults = new NetworkFaults(() => new Random(_random.Next()));
    }

    /// <summary>The virtual clock.</summary>
    public EventQueue Clock { get; }

    /// <summary>Partitions, blocked links, loss and latency spread in force.</summary>
    public NetworkFaults Faults { get; }

    /// <summary>Messages handed to the network.</summary>
    public long MessagesSent { get; private set; }

    /// <summary>Messages that found nobody listening.</summary>
    public long MessagesLost { get; private set; }

    /// <summary>Messages stopped by a partition or a blocked link, at send time or in flight.</summary>
    public long MessagesBlocked { get; private set; }

    /// <summary>Messages lost to the loss probability.</summary>
    public long MessagesDropped { get; private set; }

    /// <summary>Messages handed to the network, by message type.</summary>
    public IReadOnlyDictionary<Type, long> SentByKind => _sentByKind;

    /// <summary>Creates a new endpoint at a random position; <paramref name="receive"/> gets its incoming messages.</summary>
    public Endpoint Attach(Action<IOverlayMessage> receive) => Attach((message, _) => receive(message));

    /// <summary>
    /// Creates a new endpoint at a random position; <paramref name="receive"/> gets its incoming messages with their
    /// true sender: the sending endpoint's address and the node id attached there (<see cref="Endpoint.Node"/>), as an
    /// authenticated transport would prove them.
    /// </summary>
    public Endpoint Attach(Action<IOverlayMessage, AuthenticatedPeer> receive)
    {
        var endpoint = new Endpoint(this, Scheme + _endpoints.Count.ToString(CultureInfo.InvariantCulture),
            _endpoints.Count, ((float)_random.NextDouble(), (float)_random.NextDouble()), receive);
        _endpoints.Add(endpoint);
        return endpoint;
    }

    /// <summary>Stops delivering to an endpoint (its host crashed); messages to it are lost from now on.</summary>
    public void Detach(Endpoint endpoint) => _endpoints[endpoint.Index] = null;

    /// <summary>Reattaches a detached endpoint at the same address (a restart), with a new receiver.</summary>
    public Endpoint Reattach(Endpoint old, Action<IOverlayMessage, AuthenticatedPeer> receive)
    {
        var endpoint = new Endpoint(this, old.Address, old.Index, old.Position, receive) { Node = old.Node };
        _endpoints[old.Index] = endpoint;
        return endpoint;
    }

    /// <summary>The endpoint currently attached at an index, or null when it is detached.</summary>
    public Endpoint? At(int index) => index >= 0 && index < _endpoints.Count ? _endpoints[index] : null;

    private void Deliver(Endpoint from, string address, IOverlayMessage message)
    {
        MessagesSent++;
        var kind = message.GetType();
        _sentByKind[kind] = _sentByKind.GetValueOrDefault(kind) + 1;
        if (!TryIndex(address, out var index) || index >= _endpoints.Count || _endpoints[index] is not { } target)
        {
            MessagesLost++;
            return;
        }
        if (!Faults.Admits(from.Index, index))
        {
            MessagesBlocked++;
            return;
        }
        if (Faults.DrawLoss(from.Index, index))
        {
            MessagesDropped++;
            return;
        }
        Clock.Schedule(Faults.Spread(_latency.Between(from.Position, target.Position)), () =>
        {
            // The target may have crashed (or restarted as a new endpoint) while the message was in flight.
            if (!ReferenceEquals(_endpoints[index], target)) MessagesLost++;
            // A partition or link failure that began while the message was on the wire stops it too.
            else if (!Faults.Admits(from.Index, index)) MessagesBlocked++;
            else target.Receive(message, new AuthenticatedPeer(from.Address, from.Node));
        });
    }

    private static bool TryIndex(string address, out int index)
    {
        index = -1;
        return address.StartsWith(Scheme, StringComparison.Ordinal)
               && int.TryParse(address.AsSpan(Scheme.Length), NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }

    /// <summary>One attachment point: the <see cref="IPeerNetwork"/> a simulated node sends through.</summary>
    public sealed class Endpoint : IPeerNetwork
    {
        private readonly SimulatedNetwork _network;
        private readonly Action<IOverlayMessage, AuthenticatedPeer> _receive;

        internal Endpoint(SimulatedNetwork network, string address, int index, (float X, float Y) position, Action<IOverlayMessage, AuthenticatedPeer> receive)
        {
            _network = network;
            Address = address;
            Index = index;
            Position = position;
            _receive = receive;
        }

        /// <summary>This endpoint's address.</summary>
        public string Address { get; }

        /// <summary>The node id proven for messages from this endpoint (null: none, as on an unauthenticated transport).</summary>
        public RingId? Node { get; set; }

        /// <summary>Position in the network's address list.</summary>
        public int Index { get; }

        /// <summary>Position in the latency model's square.</summary>
        public (float X, float Y) Position { get; }

        /// <inheritdoc />
        public void Send(string address, IOverlayMessage message) => _network.Deliver(this, address, message);

        /// <inheritdoc />
        public bool IsValidAddress(string address) => TryIndex(address, out _);

        internal void Receive(IOverlayMessage message, AuthenticatedPeer from) => _receive(message, from);
    }
}
