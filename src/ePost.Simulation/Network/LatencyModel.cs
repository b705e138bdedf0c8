namespace ePost.Simulation.Network;

/// <summary>
/// One-way latency between simulated nodes: each node sits at a random point of a unit square and a message takes
/// a fixed base plus a time proportional to the distance, so latencies obey the triangle inequality like real
/// networks roughly do.
/// </summary>
public sealed class LatencyModel(TimeSpan baseLatency, TimeSpan perUnitDistance)
{
    /// <summary>1 ms base plus up to about 140 ms across the square: a continental-to-intercontinental spread.</summary>
    public static LatencyModel Default { get; } = new(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(100));

    /// <summary>One-way delay between two positions.</summary>
    public TimeSpan Between((float X, float Y) a, (float X, float Y) b)
    {
        var dx = a.X - b.X;
        var dy = a.Y - b.Y;
        return baseLatency + TimeSpan.FromTicks((long)(perUnitDistance.Ticks * Math.Sqrt(dx * dx + dy * dy)));
    }
}
