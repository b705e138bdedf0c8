using Akka.Actor;

namespace ePost.Core.Time;

/// <summary>
/// The Akka scheduler's monotonic clock: the production time source of actors. Under the TestKit's TestScheduler
/// this is still real time (only timers are virtual there); tests use <see cref="SchedulerVirtualClock"/>.
/// </summary>
public sealed class SchedulerMonotonicClock(ITimeProvider time) : IMonotonicClock
{
    /// <inheritdoc />
    public TimeSpan Elapsed => time.MonotonicClock;
}

/// <summary>
/// Time measured by a scheduler's <c>Now</c> since this clock was made. Under the TestKit's TestScheduler that is
/// virtual time, moved only by <c>Advance</c>, so an actor's clock and its timers agree in tests. Not for
/// production: a real scheduler's <c>Now</c> is the wall clock.
/// </summary>
public sealed class SchedulerVirtualClock(IScheduler scheduler) : IMonotonicClock
{
    private readonly DateTimeOffset _origin = scheduler.Now;

    /// <inheritdoc />
    public TimeSpan Elapsed => scheduler.Now - _origin;
}
