using ePost.Overlay.Node;

namespace ePost.Overlay.Tests.Node;

/// <summary>The buffer of deliveries that arrive before their application registers.</summary>
public sealed class EarlyDeliveriesTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public void Registering_releases_only_the_payloads_of_its_type_in_arrival_order()
    {
        var early = new EarlyDeliveries(10, Wait);
        early.Hold("first", "envelope of first", TimeSpan.Zero);
        early.Hold(42, "envelope of 42", TimeSpan.FromSeconds(1));
        early.Hold("second", "envelope of second", TimeSpan.FromSeconds(2));

        Assert.Equal(["envelope of first", "envelope of second"], early.Release(typeof(string)));
        Assert.Equal(1, early.Count);
        Assert.Equal(["envelope of 42"], early.Release(typeof(int)));
        Assert.Equal(0, early.Count);
    }

    [Fact]
    public void A_full_buffer_refuses_and_counts_what_it_cannot_hold()
    {
        var early = new EarlyDeliveries(2, Wait);
        Assert.True(early.Hold("a", "a", TimeSpan.Zero));
        Assert.True(early.Hold("b", "b", TimeSpan.Zero));
        Assert.False(early.Hold("c", "c", TimeSpan.Zero));
        Assert.Equal(1, early.DroppedFull);
        Assert.Equal(2, early.Count);
    }

    [Fact]
    public void Deliveries_past_their_wait_are_dropped_and_counted_and_the_rest_kept()
    {
        var early = new EarlyDeliveries(10, Wait);
        early.Hold("old", "old", TimeSpan.Zero);
        early.Hold("new", "new", TimeSpan.FromSeconds(20));
        Assert.Equal(Wait, early.NextDeadline);

        Assert.Equal(0, early.Expire(Wait - TimeSpan.FromTicks(1)));
        Assert.Equal(1, early.Expire(Wait));
        Assert.Equal(1, early.DroppedExpired);
        Assert.Equal(Wait + TimeSpan.FromSeconds(20), early.NextDeadline);
        Assert.Equal(["new"], early.Release(typeof(string)));
        Assert.Null(early.NextDeadline);
    }
}
