using ePost.Simulation.Ring;

namespace ePost.Simulation.Faults;

/// <summary>
/// Keeps a ring churning: every node lives for an exponentially distributed session of the given median, then
/// crashes, and a new node (new id) joins at once, so the population stays constant. A joiner is given three random
/// ready members as bootstraps, as a real installation lists several: with one, a joiner whose bootstrap dies during
/// the join would retry a dead address for ever.
/// </summary>
public sealed class ChurnDriver
{
    private readonly SimulatedRing _ring;
    private readonly double _meanTicks;
    private readonly Random _random;
    private bool _running;

    /// <summary>Creates a driver; nothing happens until <see cref="Start"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When the median is not positive.</exception>
    public ChurnDriver(SimulatedRing ring, TimeSpan medianSession, Random random)
    {
        if (medianSession <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(medianSession), medianSession, "The median session must be positive.");
        _ring = ring;
        // For an exponential distribution, median = mean * ln 2.
        _meanTicks = medianSession.Ticks / Math.Log(2);
        _random = random;
    }

    /// <summary>Nodes crashed by the driver.</summary>
    public int Failures { get; private set; }

    /// <summary>Nodes that joined as replacements.</summary>
    public int Joins { get; private set; }

    /// <summary>Gives every live node a session starting now and begins replacing nodes as sessions end.</summary>
    public void Start()
    {
        _running = true;
        foreach (var node in _ring.LiveNodes.ToList()) BeginSession(node);
    }

    /// <summary>Stops crashing and replacing nodes (sessions already drawn simply never end).</summary>
    public void Stop() => _running = false;

    private void BeginSession(SimulatedNode node)
    {
        var epoch = node.Epoch;
        var session = TimeSpan.FromTicks((long)(-Math.Log(1 - _random.NextDouble()) * _meanTicks));
        _ring.Clock.Schedule(session, () => EndSession(node, epoch));
    }

    private void EndSession(SimulatedNode node, long epoch)
    {
        if (!_running || !node.IsAlive || node.Epoch != epoch) return;
        _ring.Crash(node);
        Failures++;
        if (!_ring.ActiveNodes.Any(n => n.Engine.IsReady)) return;
        var joiner = _ring.AddNode();
        _ring.StartWithBootstraps(joiner, _ring.RandomReadyNodes(3));
        Joins++;
        BeginSession(joiner);
    }
}
