using ePost.Core.Ids;
using ePost.Overlay;
using ePost.Overlay.Network;
using ePost.Overlay.Node;
using ePost.Simulation.Faults;
using ePost.Simulation.Network;

namespace ePost.Simulation.Ring;

/// <summary>
/// One simulated ring member: a real <see cref="PastryNode"/> hosted on virtual time and a simulated endpoint. It can
/// crash, restart at the same address as a new incarnation, pause and resume, and run on a skewed clock.
/// </summary>
/// <remarks>
/// A paused node is a stopped process (SIGSTOP, a long GC, a suspended VM): the network still delivers to its
/// address, and the messages wait in its receive buffer (up to <see cref="PauseBufferLimit"/>, beyond which they are
/// dropped as a full socket buffer would); its timers do not fire. On resume it handles, in the order they became
/// due, the buffered messages and the timers that came due while it slept, with all its state intact.
/// </remarks>
public sealed class SimulatedNode : IOverlayHost
{
    /// <summary>Messages and timer firings a paused node buffers before it drops further messages.</summary>
    public const int PauseBufferLimit = 10_000;

    private readonly SimulatedRing _ring;
    private readonly OverlaySettings _settings;
    private readonly Dictionary<OverlayTimer, long> _timers = new();
    private readonly List<Action> _whilePaused = new();
    private long _timerGeneration;
    private long _retiredSent;
    private long _retiredMaintenanceSent;

    internal SimulatedNode(SimulatedRing ring, RingId id, OverlaySettings settings, int seed)
    {
        _ring = ring;
        _settings = settings;
        Random = new Random(seed);
        Endpoint = ring.Network.Attach(Receive);
        Endpoint.Node = id;
        Engine = new PastryNode(new NodeHandle(id, Endpoint.Address, 1), settings, Endpoint, this);
    }

    /// <summary>The protocol engine of the current incarnation.</summary>
    public PastryNode Engine { get; private set; }

    /// <summary>This node's handle (current incarnation).</summary>
    public NodeHandle Handle => Engine.Self;

    /// <summary>This node's id (the same in every incarnation).</summary>
    public RingId Id => Engine.Self.Id;

    /// <summary>The incarnation number: 1 at first start, one more at each restart.</summary>
    public long Epoch => Engine.Self.Epoch;

    /// <summary>False once crashed (until restarted).</summary>
    public bool IsAlive { get; private set; } = true;

    /// <summary>True while paused: alive, but handling nothing.</summary>
    public bool IsPaused { get; private set; }

    /// <summary>Messages dropped because the pause buffer was full.</summary>
    public long PauseOverflow { get; private set; }

    /// <summary>This node's clock relative to virtual time.</summary>
    public NodeClock Clock { get; set; }

    /// <summary>Payloads delivered here as a key's root.</summary>
    public long Deliveries { get; private set; }

    /// <summary>Messages sent by every incarnation of this node.</summary>
    public long SentAllIncarnations => _retiredSent + Engine.Counters.Sent;

    /// <summary>Maintenance messages sent by every incarnation of this node.</summary>
    public long MaintenanceSentAllIncarnations => _retiredMaintenanceSent + Engine.Counters.MaintenanceSent;

    internal SimulatedNetwork.Endpoint Endpoint { get; private set; }

    /// <inheritdoc />
    public TimeSpan Now => Clock.Read(_ring.Clock.Now);

    /// <inheritdoc />
    public Random Random { get; private set; }

    /// <summary>Stops the node dead: no more messages or timers (the process vanished).</summary>
    public void Crash()
    {
        IsAlive = false;
        IsPaused = false;
        _whilePaused.Clear();
        _timers.Clear();
        _ring.Network.Detach(Endpoint);
    }

    /// <summary>
    /// Brings a crashed node back at the same address with the same id and the next epoch: a fresh engine with
    /// empty tables (the old process's memory is gone), not yet started.
    /// </summary>
    /// <exception cref="InvalidOperationException">When the node is alive.</exception>
    internal void Restart(int seed)
    {
        if (IsAlive) throw new InvalidOperationException($"{Handle} is alive; crash it before restarting it.");
        var old = Engine;
        _retiredSent += old.Counters.Sent;
        _retiredMaintenanceSent += old.Counters.MaintenanceSent;
        Random = new Random(seed);
        Endpoint = _ring.Network.Reattach(Endpoint, Receive);
        Engine = new PastryNode(old.Self with { Epoch = old.Self.Epoch + 1 }, _settings, Endpoint, this);
        IsAlive = true;
    }

    /// <summary>Stops the node handling anything while it keeps its state (see the class remarks).</summary>
    public void Pause()
    {
        if (IsAlive) IsPaused = true;
    }

    /// <summary>Wakes a paused node: it handles what came due while it slept, then runs normally.</summary>
    public void Resume()
    {
        if (!IsPaused) return;
        IsPaused = false;
        var backlog = _whilePaused.ToArray();
        _whilePaused.Clear();
        // Handled as one event at the current instant, not inside the caller, so a resume called from an event
        // handler cannot re-enter the engine.
        _ring.Clock.Schedule(TimeSpan.Zero, () =>
        {
            foreach (var action in backlog) action();
        });
    }

    /// <inheritdoc />
    public void StartTimer(OverlayTimer timer, TimeSpan delay)
    {
        var generation = ++_timerGeneration;
        _timers[timer] = generation;
        _ring.Clock.Schedule(Clock.ToVirtual(delay), () => Fire(timer, generation));
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

    private void Fire(OverlayTimer timer, long generation)
    {
        // Generations only grow and a crash clears the table, so a timer of an earlier incarnation never matches.
        if (!IsAlive || !_timers.TryGetValue(timer, out var current) || current != generation) return;
        if (IsPaused)
        {
            _whilePaused.Add(() => Fire(timer, generation));
            return;
        }
        _timers.Remove(timer);
        Engine.OnTimer(timer);
    }

    private void Receive(IOverlayMessage message, AuthenticatedPeer from)
    {
        if (!IsAlive) return;
        if (!IsPaused)
        {
            Engine.Receive(message, from);
            return;
        }
        if (_whilePaused.Count >= PauseBufferLimit) PauseOverflow++;
        else
        {
            var engine = Engine;
            _whilePaused.Add(() =>
            {
                if (IsAlive && ReferenceEquals(engine, Engine)) Engine.Receive(message, from);
            });
        }
    }
}
