namespace ePost.Core.Time;

/// <summary>
/// Which of a stream of like events are written to the log: the first, then at most one per interval, which carries
/// the count of those left out. Peers can cause events (a refused handshake) as fast as they can connect; a log line
/// for each would let them fill the disk.
/// </summary>
/// <param name="clock">Monotonic time (virtual in tests).</param>
/// <param name="interval">The least time between two logged events.</param>
public sealed class LogLimiter(IMonotonicClock clock, TimeSpan interval)
{
    private readonly Lock _gate = new();
    private TimeSpan? _lastLogged;
    private long _leftOut;

    /// <summary>True when this event is to be logged; <paramref name="leftOut"/> is then how many were not since the last logged one.</summary>
    public bool ShouldLog(out long leftOut)
    {
        lock (_gate)
        {
            var now = clock.Elapsed;
            if (_lastLogged is { } last && now - last < interval)
            {
                _leftOut++;
                leftOut = 0;
                return false;
            }
            _lastLogged = now;
            leftOut = _leftOut;
            _leftOut = 0;
            return true;
        }
    }
}
