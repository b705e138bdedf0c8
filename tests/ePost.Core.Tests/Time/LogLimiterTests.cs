using ePost.Core.Time;

namespace ePost.Core.Tests.Time;

public sealed class LogLimiterTests
{
    private sealed class SetClock : IMonotonicClock
    {
        public TimeSpan Elapsed { get; set; }
    }

    [Fact]
    public void The_first_event_is_logged_then_at_most_one_per_interval_carrying_the_count_left_out()
    {
        var clock = new SetClock();
        var limiter = new LogLimiter(clock, TimeSpan.FromSeconds(10));

        Assert.True(limiter.ShouldLog(out var first));
        Assert.Equal(0, first);
        for (var i = 0; i < 1000; i++)
        {
            clock.Elapsed += TimeSpan.FromMilliseconds(5);
            Assert.False(limiter.ShouldLog(out _));
        }

        clock.Elapsed = TimeSpan.FromSeconds(10);
        Assert.True(limiter.ShouldLog(out var leftOut));
        Assert.Equal(1000, leftOut);

        clock.Elapsed = TimeSpan.FromSeconds(30);
        Assert.True(limiter.ShouldLog(out var none));
        Assert.Equal(0, none);
    }
}
