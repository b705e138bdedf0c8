namespace ePost.Overlay.Liveness;

/// <summary>
/// Retransmission timeout from measured round trips (RFC 6298): SRTT and RTTVAR smoothed with gains 1/8 and 1/4,
/// RTO = SRTT + max(G, 4 RTTVAR) with the lower bound as the granularity term G, clamped to configured bounds;
/// each retry doubles it. Without G a perfectly steady link drives RTTVAR to zero and the timeout to exactly one
/// round trip, so every answer races its own timeout.
/// </summary>
public sealed class RttEstimator(TimeSpan initial, TimeSpan min, TimeSpan max)
{
    private double _srtt = double.NaN;
    private double _rttvar;

    /// <summary>The current timeout for a first attempt.</summary>
    public TimeSpan Timeout { get; private set; } = Clamp(initial, min, max);

    /// <summary>Smoothed round-trip time, or null before the first sample.</summary>
    public TimeSpan? SmoothedRtt => double.IsNaN(_srtt) ? null : TimeSpan.FromTicks((long)_srtt);

    /// <summary>Feeds one measured round trip.</summary>
    public void Sample(TimeSpan rtt)
    {
        var r = Math.Max(0, rtt.Ticks);
        if (double.IsNaN(_srtt))
        {
            _srtt = r;
            _rttvar = r / 2.0;
        }
        else
        {
            _rttvar = 0.75 * _rttvar + 0.25 * Math.Abs(_srtt - r);
            _srtt = 0.875 * _srtt + 0.125 * r;
        }
        Timeout = Clamp(TimeSpan.FromTicks((long)(_srtt + Math.Max(min.Ticks, 4 * _rttvar))), min, max);
    }

    /// <summary>The timeout for retry number <paramref name="attempt"/> (0 = first try): exponential back-off, capped.</summary>
    public TimeSpan TimeoutFor(int attempt) =>
        Clamp(TimeSpan.FromTicks(Timeout.Ticks << Math.Min(attempt, 16)), min, max);

    private static TimeSpan Clamp(TimeSpan value, TimeSpan low, TimeSpan high) =>
        value < low ? low : value > high ? high : value;
}
