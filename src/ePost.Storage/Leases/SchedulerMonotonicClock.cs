using Akka.Actor;

namespace ePost.Storage.Leases;

/// <summary>The Akka scheduler's monotonic clock as a lease time source: real time normally, virtual time under the TestKit's TestScheduler.</summary>
public sealed class SchedulerMonotonicClock(ITimeProvider time) : IMonotonicClock
{
    /// <inheritdoc />
    public TimeSpan Elapsed => time.MonotonicClock;
}
