using ePost.Overlay.Liveness;
using ePost.Overlay.Routing;
using static ePost.Overlay.Tests.Support.Ids;

namespace ePost.Overlay.Tests.Node;

/// <summary>Routing through routing-table entries whose liveness is in doubt (only leaf-set members are probed every round).</summary>
public sealed class PastryNodeRouteGuardTests
{
    // L = 4: the leaf set is 41, 42 | c0, b0, so a0 is only a routing-table entry (row 0, column a).
    private readonly NodeUnderTest _t = new NodeUnderTest("40", "epost.overlay.leaf-set-size = 4").ReadyWith("41", "42", "c0", "b0", "a0");

    [Fact]
    public void A_routing_table_entry_heard_from_recently_is_used_straight_away()
    {
        Assert.False(_t.Node.LeafSet.Contains(Id("a0")));
        _t.Host.Now = TimeSpan.FromMinutes(1);

        _t.Node.Route(Id("a1"), "payload");

        Assert.Single(_t.SentTo<RouteMessage>("a0"));
        Assert.Empty(_t.SentTo<Probe>("a0"));
    }

    [Fact]
    public void A_message_for_an_entry_quiet_longer_than_route_probe_idle_waits_for_it_to_answer_a_probe()
    {
        _t.Host.Now = TimeSpan.FromMinutes(3);

        _t.Node.Route(Id("a1"), "payload");
        _t.Node.Route(Id("a2"), "second");

        Assert.Empty(_t.Sent<RouteMessage>());
        Assert.Single(_t.SentTo<Probe>("a0"));

        _t.Answer("a0");

        var sent = _t.SentTo<RouteMessage>("a0");
        Assert.Equal(["payload", "second"], sent.Select(m => m.Payload));
        Assert.All(sent, m => Assert.Equal((_t.Self, 1), (m.Sender, m.Hops)));
    }

    [Fact]
    public void A_message_held_for_an_entry_that_does_not_answer_goes_another_way_at_the_first_timeout()
    {
        _t.Host.Now = TimeSpan.FromMinutes(3);
        _t.Node.Route(Id("a1"), "payload");

        _t.Fire(_t.PendingProbeTimeout("a0")!);

        // a0 is suspected: the closest usable node to a1 is b0 (row 0 has no other a-entry).
        var (to, message) = Assert.Single(_t.Sent<RouteMessage>());
        Assert.Equal("fake:b0", to);
        Assert.Equal(1, message.Hops);
        Assert.Empty(_t.SentTo<RouteMessage>("a0"));

        // The late answer does not send a duplicate.
        _t.Answer("a0");
        Assert.Single(_t.Sent<RouteMessage>());
    }
}
