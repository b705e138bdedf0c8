using System.Diagnostics;

namespace ePost.Core.Time;

/// <summary>The production <see cref="IMonotonicClock"/>: the high-resolution performance counter behind <see cref="Stopwatch"/>.</summary>
public sealed class StopwatchMonotonicClock : IMonotonicClock
{
    private readonly long _origin = Stopwatch.GetTimestamp();

    /// <inheritdoc />
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_origin);
}
