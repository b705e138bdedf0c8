namespace ePost.Simulation.Faults;

/// <summary>
/// How one simulated node's clock relates to virtual time: a constant offset (the node started its clock at another
/// instant, or its wall clock is simply wrong) and a drift rate (its clock runs fast or slow).
/// </summary>
/// <remarks>
/// The overlay must use only durations measured on its own clock, so an offset must change nothing at all; a drift
/// changes only how long the node's own timers take in virtual time, as it would on real hardware.
/// </remarks>
public readonly record struct NodeClock
{
    /// <summary>A clock that reads virtual time exactly.</summary>
    public static NodeClock Exact => default;

    /// <summary>Creates a clock; <paramref name="drift"/> is the fractional rate error (0.001 = 1 ms fast per second).</summary>
    /// <exception cref="ArgumentOutOfRangeException">When the drift is outside [-0.5, 0.5] or not a number.</exception>
    public NodeClock(TimeSpan offset, double drift = 0)
    {
        if (!(drift >= -0.5 && drift <= 0.5)) throw new ArgumentOutOfRangeException(nameof(drift), drift, "Clock drift must be in [-0.5, 0.5].");
        Offset = offset;
        Drift = drift;
    }

    /// <summary>What the node's clock reads when virtual time is zero.</summary>
    public TimeSpan Offset { get; }

    /// <summary>Fractional rate error of the node's clock.</summary>
    public double Drift { get; }

    /// <summary>The node's clock reading at a virtual instant.</summary>
    public TimeSpan Read(TimeSpan virtualNow) =>
        Offset + (Drift == 0 ? virtualNow : TimeSpan.FromTicks((long)(virtualNow.Ticks * (1 + Drift))));

    /// <summary>The virtual time a delay measured on the node's clock takes.</summary>
    public TimeSpan ToVirtual(TimeSpan localDelay) =>
        Drift == 0 ? localDelay : TimeSpan.FromTicks((long)(localDelay.Ticks / (1 + Drift)));
}
