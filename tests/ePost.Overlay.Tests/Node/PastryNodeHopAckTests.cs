using ePost.Overlay.Join;
using ePost.Overlay.Liveness;
using ePost.Overlay.Node;
using ePost.Overlay.Routing;
using static ePost.Overlay.Tests.Support.Ids;

namespace ePost.Overlay.Tests.Node;

public sealed class PastryNodeHopAckTests
{
    // 40 knows 41 and 42 (row 1), c0 (row 0, predecessor), a0 and a8 (row 0 would hold one of them).
    private readonly NodeUnderTest _t = new NodeUnderTest("40").ReadyWith("41", "42", "c0");

    [Fact]
    public void A_node_acknowledges_every_routed_message_it_receives_to_the_hop_that_sent_it()
    {
        _t.Receive(new RouteMessage(Id("4001"), Handle("c0"), Handle("c0"), new LookupProbe(1), 2, HopNonce: 55), from: "c0");
        var ack = Assert.Single(_t.SentTo<HopAck>("c0"));
        Assert.Equal(new HopAck(_t.Self, 55), ack);
    }

    [Fact]
    public void An_acknowledged_hop_is_forgotten()
    {
        _t.Node.Route(Id("41"), new LookupProbe(1));
        var sent = Assert.Single(_t.SentTo<RouteMessage>("41"));
        Assert.Equal(1, _t.Node.InFlightHops);

        _t.Receive(new HopAck(Handle("41"), sent.HopNonce), from: "41");

        Assert.Equal(0, _t.Node.InFlightHops);
        Assert.DoesNotContain(_t.Host.Timers.Keys, k => k is HopAckTimeout);
    }

    [Fact]
    public void A_hop_that_does_not_acknowledge_in_time_is_suspected_and_probed_and_the_message_waits_for_the_verdict_rather_than_land_at_a_wrong_root()
    {
        _t.Node.Route(Id("41"), new LookupProbe(1));
        var sent = Assert.Single(_t.SentTo<RouteMessage>("41"));
        _t.Network.Sent.Clear();

        _t.Fire(new HopAckTimeout(sent.HopNonce));

        Assert.Single(_t.SentTo<Probe>("41"));
        // 41 is suspected now. This node is the next closest, but a closer node that may be alive means it is
        // not the undisputed root: it holds the message rather than deliver it in the wrong place.
        Assert.Empty(_t.SentTo<RouteMessage>("41"));
        Assert.Empty(_t.Host.Lookups);
        Assert.Equal(1, _t.Node.HeldForLeases);

        // 41 answers its probe: alive after all, and the held message goes to it.
        _t.Answer("41");
        Assert.Single(_t.SentTo<RouteMessage>("41"));
        Assert.Equal(0, _t.Node.HeldForLeases);
    }

    [Fact]
    public void An_acknowledgement_of_nothing_we_sent_is_dropped()
    {
        _t.Receive(new HopAck(Handle("41"), 999), from: "41");
        Assert.Equal(1, _t.Node.Counters.Dropped);
    }

    [Fact]
    public void A_join_passed_to_a_hop_that_never_acknowledges_is_rerouted_instead_of_lost()
    {
        var joiner = Handle("4140");
        _t.Receive(new JoinRequest(joiner, joiner, 0, []), from: joiner);
        var forwarded = Assert.Single(_t.SentTo<JoinRequest>("41"));
        _t.Network.Sent.Clear();

        _t.Fire(new HopAckTimeout(forwarded.HopNonce));

        // With 41 suspected, the next-closest node to the joiner that this node knows, 42, gets the join.
        var rerouted = Assert.Single(_t.SentTo<JoinRequest>("42"));
        Assert.Equal(joiner, rerouted.Joiner);
        Assert.Equal(forwarded.Hops + 1, rerouted.Hops);
    }
}
