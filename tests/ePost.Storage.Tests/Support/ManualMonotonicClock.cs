using ePost.Core.Time;
using ePost.Storage.Leases;

namespace ePost.Storage.Tests.Support;

/// <summary>A monotonic clock that moves only when a test says so.</summary>
public sealed class ManualMonotonicClock(TimeSpan start = default) : IMonotonicClock
{
    public TimeSpan Elapsed { get; private set; } = start;

    public void Advance(TimeSpan by)
    {
        if (by < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(by), "A monotonic clock does not go back.");
        Elapsed += by;
    }

    public void AdvanceDays(double days) => Advance(TimeSpan.FromDays(days));
}
