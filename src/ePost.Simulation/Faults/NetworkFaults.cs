namespace ePost.Simulation.Faults;

/// <summary>
/// The faults of a <see cref="Network.SimulatedNetwork"/>: partitions into groups, blocked links (one-way or both
/// ways), message loss (global and per link) and latency spread. Endpoints are named by their index in the network.
/// </summary>
/// <remarks>
/// Partitions and blocked links are deterministic filters, checked when a message is sent and again when it would
/// arrive, so a partition that starts while a message is in flight still stops it (a cut cable also loses what is on
/// the wire); healing never revives a message that was already stopped. Loss and latency spread are drawn once per
/// message at send time from this object's own seeded generator, so a run stays a pure function of its seed.
/// </remarks>
public sealed class NetworkFaults
{
    private readonly Func<Random> _randomSource;
    private readonly Dictionary<int, int> _group = new();
    private readonly HashSet<(int From, int To)> _blocked = new();
    private readonly Dictionary<(int From, int To), double> _linkLoss = new();
    private Random? _random;
    private double _loss;
    private double _latencySpread;

    /// <summary>Creates a fault set with nothing wrong; <paramref name="randomSource"/> seeds the loss and spread draws the first time they are configured.</summary>
    public NetworkFaults(Func<Random> randomSource) => _randomSource = randomSource;

    /// <summary>True while a partition is in force.</summary>
    public bool IsPartitioned => _group.Count > 0;

    /// <summary>Probability that any message is lost (on top of per-link loss).</summary>
    public double LossProbability
    {
        get => _loss;
        set
        {
            _loss = CheckProbability(value, nameof(LossProbability));
            if (value > 0) EnsureRandom();
        }
    }

    /// <summary>
    /// Latency spread s: each message's modelled latency is multiplied by a factor drawn uniformly from [1, 1 + s].
    /// The factor never shortens a latency, because the model's latency is already the path's physical minimum.
    /// </summary>
    public double LatencySpread
    {
        get => _latencySpread;
        set
        {
            if (!(value >= 0 && value <= 1000)) throw new ArgumentOutOfRangeException(nameof(LatencySpread), value, "Latency spread must be in [0, 1000].");
            _latencySpread = value;
            if (value > 0) EnsureRandom();
        }
    }

    /// <summary>
    /// Splits the network: endpoints in different groups cannot exchange messages. Endpoints named in no group
    /// (including endpoints attached later) form one more group, "the rest". Replaces any earlier partition.
    /// </summary>
    /// <exception cref="ArgumentException">When an endpoint is named in two groups.</exception>
    public void Partition(IEnumerable<IEnumerable<int>> groups)
    {
        var assignment = new Dictionary<int, int>();
        var number = 0;
        foreach (var group in groups)
        {
            number++;
            foreach (var index in group)
                if (!assignment.TryAdd(index, number))
                    throw new ArgumentException($"Endpoint {index} is named in two partition groups.", nameof(groups));
        }
        _group.Clear();
        foreach (var (index, group) in assignment) _group[index] = group;
    }

    /// <summary>Ends the partition: every group can reach every other again.</summary>
    public void Heal() => _group.Clear();

    /// <summary>The partition group of an endpoint: 0 for "the rest" (and for everyone when there is no partition).</summary>
    public int GroupOf(int endpoint) => _group.GetValueOrDefault(endpoint);

    /// <summary>True when a partition separates the two endpoints.</summary>
    public bool AreSeparated(int a, int b) => GroupOf(a) != GroupOf(b);

    /// <summary>Blocks messages from <paramref name="from"/> to <paramref name="to"/> only; the reverse direction still works.</summary>
    public void BlockOneWay(int from, int to) => _blocked.Add((from, to));

    /// <summary>Blocks the link between two endpoints in both directions, while both still reach everyone else (an intransitive failure).</summary>
    public void BlockBothWays(int a, int b)
    {
        _blocked.Add((a, b));
        _blocked.Add((b, a));
    }

    /// <summary>Unblocks the link between two endpoints in both directions.</summary>
    public void Unblock(int a, int b)
    {
        _blocked.Remove((a, b));
        _blocked.Remove((b, a));
    }

    /// <summary>Unblocks every link.</summary>
    public void UnblockAll() => _blocked.Clear();

    /// <summary>True when the link from one endpoint to another is blocked (partitions aside).</summary>
    public bool IsBlocked(int from, int to) => _blocked.Contains((from, to));

    /// <summary>Sets the loss probability of the directed link from <paramref name="from"/> to <paramref name="to"/> (0 removes it).</summary>
    public void SetLinkLoss(int from, int to, double probability)
    {
        CheckProbability(probability, nameof(probability));
        if (probability == 0) _linkLoss.Remove((from, to));
        else
        {
            _linkLoss[(from, to)] = probability;
            EnsureRandom();
        }
    }

    /// <summary>The deterministic filter: false when a partition or a blocked link stops a message between the two endpoints.</summary>
    public bool Admits(int from, int to) => !AreSeparated(from, to) && !_blocked.Contains((from, to));

    /// <summary>Draws whether one message on this link is lost (global and per-link loss are independent).</summary>
    public bool DrawLoss(int from, int to)
    {
        if (_loss > 0 && _random!.NextDouble() < _loss) return true;
        return _linkLoss.TryGetValue((from, to), out var p) && _random!.NextDouble() < p;
    }

    /// <summary>Applies the latency spread to one message's modelled latency.</summary>
    public TimeSpan Spread(TimeSpan latency) =>
        _latencySpread == 0 ? latency : TimeSpan.FromTicks((long)(latency.Ticks * (1 + _random!.NextDouble() * _latencySpread)));

    private void EnsureRandom() => _random ??= _randomSource();

    private static double CheckProbability(double p, string name) =>
        p is >= 0 and <= 1 ? p : throw new ArgumentOutOfRangeException(name, p, "A probability must be in [0, 1].");
}
