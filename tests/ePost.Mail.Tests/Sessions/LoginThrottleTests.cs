using System.Net;
using ePost.Mail.Sessions;
using ePost.Mail.Tests.Fixtures;

namespace ePost.Mail.Tests.Sessions;

public sealed class LoginThrottleTests
{
    private static readonly IPAddress Client = IPAddress.Parse("198.51.100.1");
    private readonly ManualClock clock = new();

    [Fact]
    public void Delay_doubles_with_each_failure_up_to_the_cap()
    {
        var throttle = new LoginThrottle(LoginThrottleSettings.Default with { MaxFailures = 100 }, clock);
        var delays = Enumerable.Range(0, 7).Select(_ => throttle.RecordFailure(Client).TotalSeconds).ToList();
        Assert.Equal([1, 2, 4, 8, 16, 16, 16], delays);
    }

    [Fact]
    public void An_address_is_blocked_after_max_failures_until_the_window_passes()
    {
        var throttle = new LoginThrottle(LoginThrottleSettings.Default with { MaxFailures = 3 }, clock);
        for (var i = 0; i < 3; i++) throttle.RecordFailure(Client);
        Assert.True(throttle.IsBlocked(Client));
        Assert.False(throttle.IsBlocked(IPAddress.Parse("198.51.100.2")));
        clock.Advance(TimeSpan.FromMinutes(15));
        Assert.False(throttle.IsBlocked(Client));
        Assert.Equal(TimeSpan.FromSeconds(1), throttle.RecordFailure(Client));
    }

    [Fact]
    public void Connection_limit_counts_per_address_and_frees_slots()
    {
        var limit = new ConnectionLimit(2);
        Assert.True(limit.TryAcquire(Client));
        Assert.True(limit.TryAcquire(Client));
        Assert.False(limit.TryAcquire(Client));
        Assert.True(limit.TryAcquire(IPAddress.Loopback));
        limit.Release(Client);
        Assert.True(limit.TryAcquire(Client));
        Assert.Equal(2, limit.OpenFrom(Client));
    }
}
