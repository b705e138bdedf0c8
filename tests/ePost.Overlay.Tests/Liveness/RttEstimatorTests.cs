using ePost.Overlay.Liveness;

namespace ePost.Overlay.Tests.Liveness;

public sealed class RttEstimatorTests
{
    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    private static RttEstimator Estimator() => new(initial: Ms(3000), min: Ms(50), max: Ms(10_000));

    [Fact]
    public void Before_any_sample_the_timeout_is_the_initial_one()
    {
        var rtt = Estimator();

        Assert.Equal(Ms(3000), rtt.Timeout);
        Assert.Null(rtt.SmoothedRtt);
    }

    [Fact]
    public void Samples_follow_rfc_6298_arithmetic()
    {
        var rtt = Estimator();

        // First sample R: SRTT = R, RTTVAR = R/2, RTO = SRTT + 4 RTTVAR = 3R.
        rtt.Sample(Ms(100));
        Assert.Equal(Ms(100), rtt.SmoothedRtt);
        Assert.Equal(Ms(300), rtt.Timeout);

        // RTTVAR = 3/4 * 50 + 1/4 * |100 - 200| = 62.5; SRTT = 7/8 * 100 + 1/8 * 200 = 112.5; RTO = 362.5.
        rtt.Sample(Ms(200));
        Assert.Equal(Ms(112.5), rtt.SmoothedRtt);
        Assert.Equal(Ms(362.5), rtt.Timeout);

        // RTTVAR = 3/4 * 62.5 + 1/4 * |112.5 - 100| = 50; SRTT = 7/8 * 112.5 + 1/8 * 100 = 110.9375; RTO = 310.9375.
        rtt.Sample(Ms(100));
        Assert.Equal(Ms(110.9375), rtt.SmoothedRtt);
        Assert.Equal(Ms(310.9375), rtt.Timeout);
    }

    [Fact]
    public void A_steady_round_trip_converges_the_timeout_to_it_plus_the_granularity_term_never_to_it_alone()
    {
        var rtt = Estimator();
        for (var i = 0; i < 200; i++) rtt.Sample(Ms(120));

        // RFC 6298: RTO = SRTT + max(G, 4 RTTVAR); RTTVAR -> 0 on a steady link, and G (the 50 ms lower bound)
        // keeps an answer that takes exactly one round trip from racing its own timeout.
        Assert.Equal(120, rtt.SmoothedRtt!.Value.TotalMilliseconds, precision: 3);
        Assert.InRange(rtt.Timeout.TotalMilliseconds, 170, 171);
    }

    [Fact]
    public void The_timeout_never_drops_below_the_minimum()
    {
        var rtt = Estimator();
        rtt.Sample(Ms(1));

        // 1 ms + max(50 ms, 4 x 0.5 ms).
        Assert.Equal(Ms(51), rtt.Timeout);
        Assert.True(rtt.Timeout >= Ms(50));
    }

    [Fact]
    public void The_timeout_never_exceeds_the_maximum()
    {
        var rtt = Estimator();
        rtt.Sample(TimeSpan.FromSeconds(20));

        Assert.Equal(Ms(10_000), rtt.Timeout);
        Assert.Equal(Ms(10_000), new RttEstimator(TimeSpan.FromMinutes(1), Ms(50), Ms(10_000)).Timeout);
    }

    [Fact]
    public void A_negative_measurement_counts_as_zero()
    {
        var rtt = Estimator();
        rtt.Sample(Ms(-500));

        Assert.Equal(TimeSpan.Zero, rtt.SmoothedRtt);
        Assert.Equal(Ms(50), rtt.Timeout);
    }

    [Fact]
    public void Each_retry_doubles_the_timeout_up_to_the_maximum()
    {
        var rtt = Estimator();
        rtt.Sample(Ms(500)); // RTO 1500 ms

        Assert.Equal(Ms(1500), rtt.TimeoutFor(0));
        Assert.Equal(Ms(3000), rtt.TimeoutFor(1));
        Assert.Equal(Ms(6000), rtt.TimeoutFor(2));
        Assert.Equal(Ms(10_000), rtt.TimeoutFor(3));
        Assert.Equal(Ms(10_000), rtt.TimeoutFor(1000));
        Assert.Equal(Ms(10_000), rtt.TimeoutFor(int.MaxValue));
    }
}
