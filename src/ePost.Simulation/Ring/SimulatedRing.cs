using ePost.Core.Ids;
using ePost.Overlay;
using ePost.Overlay.Node;
using ePost.Simulation.Network;

namespace ePost.Simulation.Ring;

/// <summary>
/// Many Pastry nodes on one simulated network and virtual clock, with the ground truth a test needs: which node
/// really is the root of a key, and whether every leaf set matches the live ring.
/// </summary>
public sealed class SimulatedRing
{
    private readonly Random _random;
    private readonly List<SimulatedNode> _nodes = new();
    private readonly Dictionary<long, PendingLookup> _lookups = new();
    private RingId[]? _liveIds;
    private long _nextRequest;

    /// <summary>Creates an empty ring; everything random derives from <paramref name="seed"/>.</summary>
    public SimulatedRing(OverlaySettings settings, int seed, LatencyModel? latency = null)
    {
        Settings = settings;
        _random = new Random(seed);
        Clock = new EventQueue();
        Network = new SimulatedNetwork(Clock, latency ?? LatencyModel.Default, new Random(_random.Next()));
    }

    /// <summary>The overlay settings every node runs with.</summary>
    public OverlaySettings Settings { get; }

    /// <summary>The virtual clock.</summary>
    public EventQueue Clock { get; }

    /// <summary>The simulated network.</summary>
    public SimulatedNetwork Network { get; }

    /// <summary>Every node ever added, crashed ones included.</summary>
    public IReadOnlyList<SimulatedNode> Nodes => _nodes;

    /// <summary>Nodes that have not crashed.</summary>
    public IEnumerable<SimulatedNode> LiveNodes => _nodes.Where(n => n.IsAlive);

    /// <summary>Lookups answered, with their outcome.</summary>
    public List<LookupOutcome> CompletedLookups { get; } = new();

    /// <summary>Lookups sent and not (yet) answered.</summary>
    public int OutstandingLookups => _lookups.Count;

    /// <summary>Observer of every overlay event (tests use it to watch for deaths, drops, ...).</summary>
    public Action<SimulatedNode, OverlayEvent>? Events { get; set; }

    /// <summary>Observer of every routed delivery.</summary>
    public Action<SimulatedNode, RingId, object, NodeHandle, int>? Delivered { get; set; }

    /// <summary>Creates a node with a random (or given) id, not yet started.</summary>
    public SimulatedNode AddNode(RingId? id = null)
    {
        var node = new SimulatedNode(this, id ?? RingId.Random(_random), Settings, _random.Next());
        _nodes.Add(node);
        _liveIds = null;
        return node;
    }

    /// <summary>Starts a node: joins through <paramref name="bootstrap"/>, or forms a new ring without one.</summary>
    public void Start(SimulatedNode node, SimulatedNode? bootstrap) =>
        node.Engine.Start(bootstrap is null ? [] : [bootstrap.Handle.Address]);

    /// <summary>Crashes a node: it stops without a word, as a killed process does.</summary>
    public void Crash(SimulatedNode node)
    {
        node.Crash();
        _liveIds = null;
    }

    /// <summary>A random live, ready node.</summary>
    public SimulatedNode RandomReadyNode()
    {
        var ready = _nodes.Where(n => n.IsAlive && n.Engine.IsReady).ToList();
        return ready[_random.Next(ready.Count)];
    }

    /// <summary>The live node that is truly closest to the key.</summary>
    public RingId TrueRoot(RingId key)
    {
        var ids = LiveIds();
        var at = Array.BinarySearch(ids, key);
        if (at >= 0) return ids[at];
        var next = ~at;
        // The root is the nearest live id on one side or the other of the key, wrapping around zero.
        var clockwise = ids[next % ids.Length];
        var counter = ids[(next - 1 + ids.Length) % ids.Length];
        return RingId.CompareCloseness(key, counter, clockwise) <= 0 ? counter : clockwise;
    }

    /// <summary>Live ready nodes whose leaf set differs from the true L/2 live neighbours on each side.</summary>
    public int CountWrongLeafSets()
    {
        var ids = LiveIds();
        var index = ids.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
        var half = Settings.LeafSetSize / 2;
        var wrong = 0;
        foreach (var node in _nodes.Where(n => n.IsAlive))
        {
            var i = index[node.Id];
            var expectedClockwise = Enumerable.Range(1, Math.Min(half, ids.Length - 1)).Select(k => ids[(i + k) % ids.Length]);
            var expectedCounter = Enumerable.Range(1, Math.Min(half, ids.Length - 1)).Select(k => ids[((i - k) % ids.Length + ids.Length) % ids.Length]);
            var leafSet = node.Engine.LeafSet;
            if (!node.Engine.IsReady
                || !leafSet.Clockwise.Select(n => n.Id).SequenceEqual(expectedClockwise)
                || !leafSet.CounterClockwise.Select(n => n.Id).SequenceEqual(expectedCounter))
                wrong++;
        }
        return wrong;
    }

    /// <summary>Starts a lookup of <paramref name="key"/> from <paramref name="from"/>; its outcome lands in <see cref="CompletedLookups"/>.</summary>
    public void Lookup(SimulatedNode from, RingId key)
    {
        var id = ++_nextRequest;
        _lookups[id] = new PendingLookup(from, key, Clock.Now);
        from.Engine.Lookup(key, id);
    }

    internal void OnLookupCompleted(SimulatedNode at, long requestId, RingId key, NodeHandle root, int hops)
    {
        if (!_lookups.Remove(requestId, out var pending) || pending.From != at) return;
        CompletedLookups.Add(new LookupOutcome(key, root.Id, TrueRoot(key), hops, Clock.Now - pending.Started));
    }

    internal void OnDelivered(SimulatedNode at, RingId key, object payload, NodeHandle origin, int hops) =>
        Delivered?.Invoke(at, key, payload, origin, hops);

    internal void OnDirect(SimulatedNode at, NodeHandle from, object payload) { }

    internal void OnEvent(SimulatedNode node, OverlayEvent e) => Events?.Invoke(node, e);

    private RingId[] LiveIds() => _liveIds ??= _nodes.Where(n => n.IsAlive).Select(n => n.Id).Order().ToArray();

    private sealed record PendingLookup(SimulatedNode From, RingId Key, TimeSpan Started);
}

/// <summary>What one lookup found, and what was true.</summary>
public sealed record LookupOutcome(RingId Key, RingId ReachedRoot, RingId TrueRoot, int Hops, TimeSpan Latency)
{
    /// <summary>True when the lookup ended at the key's true root.</summary>
    public bool Correct => ReachedRoot == TrueRoot;
}
