using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using ePost.Core.Time;

namespace ePost.Core.Tests.Time;

public sealed class SchedulerClockTests : Akka.TestKit.Xunit2.TestKit
{
    public SchedulerClockTests() : base(ConfigurationFactory.ParseString(
        "akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\"")) { }

    [Fact]
    public void The_virtual_clock_moves_exactly_with_the_test_scheduler()
    {
        var clock = new SchedulerVirtualClock(Sys.Scheduler);
        ((TestScheduler)Sys.Scheduler).Advance(TimeSpan.FromHours(1));
        Assert.Equal(TimeSpan.FromHours(1), clock.Elapsed);
    }

    [Fact]
    public void The_schedulers_monotonic_clock_does_not_follow_virtual_time_which_is_why_tests_inject_the_virtual_one()
    {
        var monotonic = new SchedulerMonotonicClock((ITimeProvider)Sys.Scheduler);
        var before = monotonic.Elapsed;
        ((TestScheduler)Sys.Scheduler).Advance(TimeSpan.FromHours(1));
        Assert.True(monotonic.Elapsed - before < TimeSpan.FromMinutes(1));
    }
}
