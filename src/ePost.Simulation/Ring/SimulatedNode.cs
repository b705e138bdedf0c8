using ePost.Core.Ids;
using ePost.Overlay;
using ePost.Overlay.Node;
using ePost.Simulation.Network;

namespace ePost.Simulation.Ring;

/// <summary>One simulated ring member: a real <see cref="PastryNode"/> hosted on virtual time and a simulated endpoint.</summary>
public sealed class SimulatedNode : IOverlayHost
{
    private readonly SimulatedRing _ring;
    private readonly Dictionary<OverlayTimer, long> _timers = new();
    private long _timerGeneration;

    internal SimulatedNode(SimulatedRing ring, RingId id, OverlaySettings settings, int seed)
    {
        _ring = ring;
        Random = new Random(seed);
        Endpoint = ring.Network.Attach(Receive);
        Engine = new PastryNode(new NodeHandle(id, Endpoint.Address, 1), settings, Endpoint, this);
    }

    /// <summary>The protocol engine.</summary>
    public PastryNode Engine { get; }

    /// <summary>This node's handle.</summary>
    public NodeHandle Handle => Engine.Self;

    /// <summary>This node's id.</summary>
    public RingId Id => Engine.Self.Id;

    /// <summary>False once crashed.</summary>
    public bool IsAlive { get; private set; } = true;

    /// <summary>Payloads delivered here as a key's root.</summary>
    public long Deliveries { get; private set; }

    internal SimulatedNetwork.Endpoint Endpoint { get; }

    /// <inheritdoc />
    public TimeSpan Now => _ring.Clock.Now;

    /// <inheritdoc />
    public Random Random { get; }

    /// <summary>Stops the node dead: no more messages or timers (the process vanished).</summary>
    public void Crash()
    {
        IsAlive = false;
        _timers.Clear();
        _ring.Network.Detach(Endpoint);
    }

    /// <inheritdoc />
    public void StartTimer(OverlayTimer timer, TimeSpan delay)
    {
        var generation = ++_timerGeneration;
        _timers[timer] = generation;
        _ring.Clock.Schedule(delay, () =>
        {
            if (!IsAlive || !_timers.TryGetValue(timer, out var current) || current != generation) return;
            _timers.Remove(timer);
            Engine.OnTimer(timer);
        });
    }

    /// <inheritdoc />
    public void CancelTimer(OverlayTimer timer) => _timers.Remove(timer);

    /// <inheritdoc />
    public void Deliver(RingId key, object payload, NodeHandle origin, int hops)
    {
        Deliveries++;
        _ring.OnDelivered(this, key, payload, origin, hops);
    }

    /// <inheritdoc />
    public void DeliverDirect(NodeHandle from, object payload) => _ring.OnDirect(this, from, payload);

    /// <inheritdoc />
    public void LookupCompleted(long requestId, RingId key, NodeHandle root, int hops) =>
        _ring.OnLookupCompleted(this, requestId, key, root, hops);

    /// <inheritdoc />
    public void OnEvent(OverlayEvent e) => _ring.OnEvent(this, e);

    private void Receive(IOverlayMessage message)
    {
        if (IsAlive) Engine.Receive(message);
    }
}
