using ePost.Core.Ids;

namespace ePost.Storage.Local;

/// <summary>The ids met walking clockwise from <see cref="Start"/> to <see cref="End"/>, both included, wrapping past 2^160 - 1.</summary>
public readonly record struct RingArc(RingId Start, RingId End)
{
    /// <summary>Every id.</summary>
    public static RingArc Whole => new(RingId.Zero, RingId.Max);

    /// <summary>True when the arc passes the top of the ring (and so is two runs of ids in numeric order).</summary>
    public bool Wraps => Start > End;

    /// <summary>True when <paramref name="id"/> lies on the arc.</summary>
    public bool Contains(RingId id) => RingId.InClockwiseArc(id, Start, End);

    /// <inheritdoc />
    public override string ToString() => $"[{Start.ToShortString()}..{End.ToShortString()}]";
}
