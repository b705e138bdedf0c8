using ePost.Core.Ids;
using ePost.Overlay;
using ePost.Overlay.Routing;
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
    private readonly Dictionary<int, RingId[]> _groupIds = new();
    private RingId[]? _allActiveIds;
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

    /// <summary>Nodes that have not crashed (paused ones included).</summary>
    public IEnumerable<SimulatedNode> LiveNodes => _nodes.Where(n => n.IsAlive);

    /// <summary>Nodes that are alive and not paused: the ones that can answer.</summary>
    public IEnumerable<SimulatedNode> ActiveNodes => _nodes.Where(n => n.IsAlive && !n.IsPaused);

    /// <summary>Lookups answered, with their outcome.</summary>
    public List<LookupOutcome> CompletedLookups { get; } = new();

    /// <summary>Lookups sent and not (yet) answered.</summary>
    public int OutstandingLookups => _lookups.Count;

    /// <summary>Lookups not (yet) answered whose origin is still alive (an answer to a crashed origin cannot arrive).</summary>
    public int OutstandingLookupsFromLiveOrigins => _lookups.Values.Count(l => l.From.IsAlive && l.From.Epoch == l.Epoch);

    /// <summary>Observer of every overlay event (tests use it to watch for deaths, drops, ...).</summary>
    public Action<SimulatedNode, OverlayEvent>? Events { get; set; }

    /// <summary>Observer of every routed delivery.</summary>
    public Action<SimulatedNode, RingId, object, NodeHandle, int>? Delivered { get; set; }

    /// <summary>Messages sent by every incarnation of every node, split into maintenance and application traffic.</summary>
    public RingTraffic Traffic
    {
        get
        {
            long sent = 0, maintenance = 0;
            foreach (var node in _nodes)
            {
                sent += node.SentAllIncarnations;
                maintenance += node.MaintenanceSentAllIncarnations;
            }
            return new RingTraffic(sent, maintenance);
        }
    }

    /// <summary>Creates a node with a random (or given) id, not yet started.</summary>
    public SimulatedNode AddNode(RingId? id = null)
    {
        var node = new SimulatedNode(this, id ?? RingId.Random(_random), Settings, _random.Next());
        _nodes.Add(node);
        TruthChanged();
        return node;
    }

    /// <summary>Starts a node: joins through <paramref name="bootstrap"/>, or forms a new ring without one.</summary>
    public void Start(SimulatedNode node, SimulatedNode? bootstrap) =>
        node.Engine.Start(bootstrap is null ? [] : [bootstrap.Handle.Address]);

    /// <summary>Starts a node that joins through the first of several bootstraps that answers (tried in turn).</summary>
    public void StartWithBootstraps(SimulatedNode node, IEnumerable<SimulatedNode> bootstraps) =>
        node.Engine.Start(bootstraps.Select(b => b.Handle.Address).ToArray());

    /// <summary>Crashes a node: it stops without a word, as a killed process does.</summary>
    public void Crash(SimulatedNode node)
    {
        node.Crash();
        TruthChanged();
    }

    /// <summary>
    /// Restarts a crashed node at its old address with its old id and the next epoch, as a fresh process that joins
    /// again through <paramref name="bootstrap"/>.
    /// </summary>
    public void Restart(SimulatedNode node, SimulatedNode bootstrap)
    {
        node.Restart(_random.Next());
        TruthChanged();
        Start(node, bootstrap);
    }

    /// <summary>Pauses a node (see <see cref="SimulatedNode"/>); it leaves the truth until resumed, since it cannot answer.</summary>
    public void Pause(SimulatedNode node)
    {
        node.Pause();
        TruthChanged();
    }

    /// <summary>Resumes a paused node.</summary>
    public void Resume(SimulatedNode node)
    {
        node.Resume();
        TruthChanged();
    }

    /// <summary>Splits the ring into groups that cannot exchange messages; nodes in no group form one more group.</summary>
    public void Partition(params IEnumerable<SimulatedNode>[] groups)
    {
        Network.Faults.Partition(groups.Select(g => g.Select(n => n.Endpoint.Index)));
        TruthChanged();
    }

    /// <summary>Ends a partition.</summary>
    public void Heal()
    {
        Network.Faults.Heal();
        TruthChanged();
    }

    /// <summary>Blocks the link between two nodes both ways while both still reach everyone else.</summary>
    public void BlockBothWays(SimulatedNode a, SimulatedNode b) => Network.Faults.BlockBothWays(a.Endpoint.Index, b.Endpoint.Index);

    /// <summary>Blocks messages from one node to another only.</summary>
    public void BlockOneWay(SimulatedNode from, SimulatedNode to) => Network.Faults.BlockOneWay(from.Endpoint.Index, to.Endpoint.Index);

    /// <summary>The partition group a node is in (0 when there is no partition).</summary>
    public int GroupOf(SimulatedNode node) => Network.Faults.GroupOf(node.Endpoint.Index);

    /// <summary>A random live, unpaused, ready node.</summary>
    public SimulatedNode RandomReadyNode()
    {
        var ready = _nodes.Where(n => n.IsAlive && !n.IsPaused && n.Engine.IsReady).ToList();
        return ready[_random.Next(ready.Count)];
    }

    /// <summary>Up to <paramref name="count"/> distinct random live, unpaused, ready nodes.</summary>
    public IReadOnlyList<SimulatedNode> RandomReadyNodes(int count)
    {
        var ready = _nodes.Where(n => n.IsAlive && !n.IsPaused && n.Engine.IsReady).ToList();
        var chosen = new List<SimulatedNode>();
        while (chosen.Count < count && ready.Count > 0)
        {
            var at = _random.Next(ready.Count);
            chosen.Add(ready[at]);
            ready[at] = ready[^1];
            ready.RemoveAt(ready.Count - 1);
        }
        return chosen;
    }

    /// <summary>The active node truly closest to the key, over the whole ring (partitions ignored).</summary>
    public RingId TrueRoot(RingId key) => RingTruth.Root(AllActiveIds(), key);

    /// <summary>
    /// The truth as seen from <paramref name="from"/>: the key's closest node among the active nodes in its
    /// partition group. Blocked single links do not change it, because the ring is meant to route around them.
    /// </summary>
    public RingId TrueRoot(RingId key, SimulatedNode from) => RingTruth.Root(GroupIds(GroupOf(from)), key);

    /// <summary>
    /// Active ready-or-not nodes whose leaf set differs from the true L/2 nearest active nodes on each side within
    /// their partition group (the whole ring when there is none); not-ready nodes count as wrong.
    /// </summary>
    public int CountWrongLeafSets()
    {
        var half = Settings.LeafSetSize / 2;
        var wrong = 0;
        foreach (var node in _nodes)
        {
            if (!node.IsAlive || node.IsPaused) continue;
            var leafSet = node.Engine.LeafSet;
            if (!node.Engine.IsReady
                || !RingTruth.Matches(GroupIds(GroupOf(node)), node.Id, leafSet.Clockwise, leafSet.CounterClockwise, half))
                wrong++;
        }
        return wrong;
    }

    /// <summary>
    /// A random key that <paramref name="node"/> owns in the truth as it sees it: strictly closer to it than to
    /// either active neighbour of its partition group.
    /// </summary>
    public RingId RandomKeyOwnedBy(SimulatedNode node, Random random)
    {
        var ids = GroupIds(GroupOf(node));
        if (ids.Length == 1) return RingId.Random(random);
        var i = Array.BinarySearch(ids, node.Id);
        if (i < 0) throw new ArgumentException($"{node.Handle} is not active.", nameof(node));
        // Owned arc: from half-way to the predecessor to half-way to the successor. Draw an offset inside it.
        var clockwiseHalf = RingArithmetic.Half(RingId.ClockwiseDistance(node.Id, ids[(i + 1) % ids.Length]));
        var counterHalf = RingArithmetic.Half(RingId.ClockwiseDistance(ids[(i - 1 + ids.Length) % ids.Length], node.Id));
        return RingArithmetic.RandomInArc(node.Id, counterHalf, clockwiseHalf, random);
    }

    /// <summary>Starts a lookup of <paramref name="key"/> from <paramref name="from"/>; its outcome lands in <see cref="CompletedLookups"/>.</summary>
    /// <returns>The request id, which names the lookup in <see cref="LookupOutcome.RequestId"/> and <see cref="IsPending"/>.</returns>
    public long Lookup(SimulatedNode from, RingId key)
    {
        var id = ++_nextRequest;
        _lookups[id] = new PendingLookup(from, from.Epoch, key, Clock.Now);
        from.Engine.Lookup(key, id);
        return id;
    }

    /// <summary>True while a lookup is unanswered.</summary>
    public bool IsPending(long requestId) => _lookups.ContainsKey(requestId);

    /// <summary>True while a lookup is unanswered and its origin (that incarnation) is still alive to get the answer.</summary>
    public bool IsPendingFromLiveOrigin(long requestId) =>
        _lookups.TryGetValue(requestId, out var l) && l.From.IsAlive && l.From.Epoch == l.Epoch;

    internal void OnLookupCompleted(SimulatedNode at, long requestId, RingId key, NodeHandle root, int hops)
    {
        if (!_lookups.Remove(requestId, out var pending) || pending.From != at || pending.Epoch != at.Epoch) return;
        CompletedLookups.Add(new LookupOutcome(key, root.Id, TrueRoot(key, at), hops, Clock.Now - pending.Started, at.Id, GroupOf(at), requestId));
    }

    internal void OnDelivered(SimulatedNode at, RingId key, object payload, NodeHandle origin, int hops) =>
        Delivered?.Invoke(at, key, payload, origin, hops);

    internal void OnDirect(SimulatedNode at, NodeHandle from, object payload) { }

    internal void OnEvent(SimulatedNode node, OverlayEvent e) => Events?.Invoke(node, e);

    private void TruthChanged()
    {
        _allActiveIds = null;
        _groupIds.Clear();
    }

    private RingId[] AllActiveIds() => _allActiveIds ??= ActiveNodes.Select(n => n.Id).Order().ToArray();

    private RingId[] GroupIds(int group)
    {
        if (!Network.Faults.IsPartitioned) return AllActiveIds();
        if (!_groupIds.TryGetValue(group, out var ids))
            _groupIds[group] = ids = ActiveNodes.Where(n => GroupOf(n) == group).Select(n => n.Id).Order().ToArray();
        return ids;
    }

    private sealed record PendingLookup(SimulatedNode From, long Epoch, RingId Key, TimeSpan Started);
}

/// <summary>Messages sent by the ring's nodes: all, and the maintenance part (joins, probes, leaf-set and row exchange).</summary>
public readonly record struct RingTraffic(long Sent, long MaintenanceSent)
{
    /// <summary>Application traffic: routed payloads, lookups and direct messages.</summary>
    public long ApplicationSent => Sent - MaintenanceSent;
}

/// <summary>
/// What one lookup found, and what was true when its answer arrived: <paramref name="TrueRoot"/> is the closest
/// active node in the origin's partition group (the whole ring when there is none).
/// </summary>
public sealed record LookupOutcome(
    RingId Key, RingId ReachedRoot, RingId TrueRoot, int Hops, TimeSpan Latency, RingId Origin, int OriginGroup, long RequestId)
{
    /// <summary>True when the lookup ended at the key's true root.</summary>
    public bool Correct => ReachedRoot == TrueRoot;
}
