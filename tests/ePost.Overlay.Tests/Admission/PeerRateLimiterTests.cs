using ePost.Overlay.Admission;

namespace ePost.Overlay.Tests.Admission;

public sealed class PeerRateLimiterTests
{
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(100);

    [Fact]
    public void A_peer_gets_its_burst_at_once_and_then_its_rate()
    {
        var limiter = new PeerRateLimiter(messagesPerSecond: 10, messageBurst: 5, bytesPerSecond: 0, byteBurst: 1, maxPeers: 10);

        Assert.Equal(5, Enumerable.Range(0, 8).Count(_ => limiter.TryTake("a", 100, Start)));
        Assert.False(limiter.TryTake("a", 100, Start + TimeSpan.FromMilliseconds(50)));
        Assert.True(limiter.TryTake("a", 100, Start + TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public void Bytes_are_limited_separately_and_a_message_larger_than_the_burst_passes_only_on_a_full_bucket()
    {
        var limiter = new PeerRateLimiter(messagesPerSecond: 0, messageBurst: 1, bytesPerSecond: 1000, byteBurst: 1000, maxPeers: 10);

        Assert.True(limiter.TryTake("a", 600, Start));
        Assert.False(limiter.TryTake("a", 600, Start));
        Assert.True(limiter.TryTake("a", 400, Start));
        Assert.False(limiter.TryTake("a", 5000, Start + TimeSpan.FromMilliseconds(500)));
        Assert.True(limiter.TryTake("a", 5000, Start + TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void State_is_bounded_and_the_least_recently_heard_peer_is_forgotten_with_full_buckets()
    {
        var limiter = new PeerRateLimiter(messagesPerSecond: 1, messageBurst: 1, bytesPerSecond: 0, byteBurst: 1, maxPeers: 2);

        Assert.True(limiter.TryTake("a", 1, Start));
        Assert.False(limiter.TryTake("a", 1, Start));
        Assert.True(limiter.TryTake("b", 1, Start));
        Assert.True(limiter.TryTake("c", 1, Start));

        Assert.Equal(2, limiter.TrackedPeers);
        Assert.False(limiter.TryTake("c", 1, Start));
        Assert.True(limiter.TryTake("a", 1, Start));
    }

    [Fact]
    public void A_peer_whose_buckets_have_refilled_is_forgotten_while_a_throttled_one_is_still_held_to_its_rate()
    {
        var limiter = new PeerRateLimiter(messagesPerSecond: 1, messageBurst: 1, bytesPerSecond: 0, byteBurst: 1, maxPeers: 100);

        Assert.True(limiter.TryTake("quiet", 1, Start));
        Assert.True(limiter.TryTake("busy", 1, Start + TimeSpan.FromSeconds(1.5)));
        // "quiet" has been full again since Start + 1 s: a new peer pushes it out. "busy" is still empty.
        Assert.True(limiter.TryTake("new", 1, Start + TimeSpan.FromSeconds(2)));

        Assert.Equal(2, limiter.TrackedPeers);
        Assert.False(limiter.TryTake("busy", 1, Start + TimeSpan.FromSeconds(2)));
        Assert.True(limiter.TryTake("quiet", 1, Start + TimeSpan.FromSeconds(2)));
    }
}
