namespace ePost.Core.Time;

/// <summary>Time that only moves forward while this process runs: the one time source leases may use.</summary>
/// <remarks>Not wall-clock time: it ignores NTP steps, daylight saving and the user setting the date, which is the point.</remarks>
public interface IMonotonicClock
{
    /// <summary>Time since an arbitrary origin fixed when the clock was made; never decreases.</summary>
    TimeSpan Elapsed { get; }
}
