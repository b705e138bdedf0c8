namespace ePost.Storage.Leases;

/// <summary>How long a writer asks a node to keep an object ("keep 21 days"): the only form of lease time that crosses the wire.</summary>
/// <remarks>Whole milliseconds, positive, at most <see cref="Maximum"/>, so a hostile request cannot overflow a node's counter.</remarks>
public readonly record struct LeaseDuration : IComparable<LeaseDuration>
{
    /// <summary>The longest lease a writer may ask for (ten years); owners renew long before that.</summary>
    public static readonly LeaseDuration Maximum = new(TimeSpan.FromDays(3650).Ticks / TimeSpan.TicksPerMillisecond);

    private LeaseDuration(long milliseconds) => Milliseconds = milliseconds;

    /// <summary>Length in milliseconds.</summary>
    public long Milliseconds { get; }

    /// <summary>The duration as a <see cref="TimeSpan"/>.</summary>
    public TimeSpan AsTimeSpan => TimeSpan.FromMilliseconds(Milliseconds);

    /// <summary>A lease of some milliseconds.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When not in 1 ms .. <see cref="Maximum"/>.</exception>
    public static LeaseDuration FromMilliseconds(long milliseconds) =>
        TryFromMilliseconds(milliseconds, out var duration)
            ? duration
            : throw new ArgumentOutOfRangeException(nameof(milliseconds),
                $"A lease lasts between 1 ms and {Maximum.Milliseconds} ms; {milliseconds} ms is outside that.");

    /// <summary>A lease of some milliseconds, for values from the wire: false when out of range.</summary>
    public static bool TryFromMilliseconds(long milliseconds, out LeaseDuration duration)
    {
        duration = default;
        if (milliseconds < 1 || milliseconds > Maximum.Milliseconds) return false;
        duration = new LeaseDuration(milliseconds);
        return true;
    }

    /// <summary>A lease of a time span (rounded down to whole milliseconds).</summary>
    public static LeaseDuration From(TimeSpan span) => FromMilliseconds(span.Ticks / TimeSpan.TicksPerMillisecond);

    /// <summary>A lease of some days.</summary>
    public static LeaseDuration FromDays(double days) => From(TimeSpan.FromDays(days));

    /// <inheritdoc />
    public int CompareTo(LeaseDuration other) => Milliseconds.CompareTo(other.Milliseconds);

    /// <inheritdoc />
    public override string ToString() => AsTimeSpan.ToString();
}
