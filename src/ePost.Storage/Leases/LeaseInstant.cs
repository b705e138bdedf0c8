namespace ePost.Storage.Leases;

/// <summary>A reading of one node's lease clock: milliseconds the node has been running, summed over its whole life.</summary>
/// <remarks>
/// Meaningful only on the node that produced it. It is persisted in that node's database (as lease expiries and the
/// clock checkpoint) and never sent to another node: peers exchange <see cref="LeaseDuration"/>s only.
/// </remarks>
public readonly record struct LeaseInstant(long Milliseconds) : IComparable<LeaseInstant>
{
    /// <summary>The counter of a node that has never run.</summary>
    public static LeaseInstant Zero => default;

    /// <summary>The later of two instants.</summary>
    public static LeaseInstant Max(LeaseInstant a, LeaseInstant b) => a >= b ? a : b;

    /// <summary>The instant a lease of <paramref name="duration"/> starting now ends (saturating rather than wrapping).</summary>
    public static LeaseInstant operator +(LeaseInstant start, LeaseDuration duration) =>
        new(start.Milliseconds > long.MaxValue - duration.Milliseconds ? long.MaxValue : start.Milliseconds + duration.Milliseconds);

    /// <inheritdoc />
    public int CompareTo(LeaseInstant other) => Milliseconds.CompareTo(other.Milliseconds);

    public static bool operator <(LeaseInstant a, LeaseInstant b) => a.Milliseconds < b.Milliseconds;
    public static bool operator >(LeaseInstant a, LeaseInstant b) => a.Milliseconds > b.Milliseconds;
    public static bool operator <=(LeaseInstant a, LeaseInstant b) => a.Milliseconds <= b.Milliseconds;
    public static bool operator >=(LeaseInstant a, LeaseInstant b) => a.Milliseconds >= b.Milliseconds;

    /// <inheritdoc />
    public override string ToString() => $"lease@{Milliseconds}ms";
}
