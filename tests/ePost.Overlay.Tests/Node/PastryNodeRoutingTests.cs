using ePost.Overlay.Node;
using ePost.Overlay.Routing;
using static ePost.Overlay.Tests.Support.Ids;

namespace ePost.Overlay.Tests.Node;

public sealed class PastryNodeRoutingTests
{
    private readonly NodeUnderTest _t = new NodeUnderTest("40").ReadyWith("41", "a0", "c0");

    [Fact]
    public void A_lookup_of_a_key_this_node_owns_completes_here_with_zero_hops()
    {
        _t.Node.Lookup(Id("4001"), requestId: 3);

        Assert.Equal((3L, Id("4001"), _t.Self, 0), Assert.Single(_t.Host.Lookups));
        Assert.Empty(_t.Network.Sent);
    }

    [Fact]
    public void A_routed_message_goes_on_with_one_more_hop_and_this_node_as_sender()
    {
        var origin = Handle("77");

        _t.Receive(new RouteMessage(Id("a1"), origin, Handle("c0"), "payload", 2), from: "c0");

        var (to, forwarded) = Assert.Single(_t.Sent<RouteMessage>());
        Assert.Equal("fake:a0", to);
        Assert.Equal(new RouteMessage(Id("a1"), origin, _t.Self, "payload", 3, forwarded.HopNonce), forwarded);
        Assert.NotEqual(0, forwarded.HopNonce);
    }

    [Fact]
    public void The_root_hands_a_routed_payload_to_its_host()
    {
        _t.Receive(new RouteMessage(Id("4001"), Handle("c0"), Handle("c0"), "payload", 2), from: "c0");

        Assert.Equal((Id("4001"), (object)"payload", Handle("c0"), 2), Assert.Single(_t.Host.Delivered));
    }

    [Fact]
    public void The_root_of_a_lookup_answers_its_origin_directly()
    {
        _t.Receive(new RouteMessage(Id("4001"), Handle("77"), Handle("c0"), new LookupProbe(9), 2), from: "c0");

        Assert.Equal(new LookupReply(_t.Self, Id("4001"), 9, 2), Assert.Single(_t.SentTo<LookupReply>("77")));
        Assert.Empty(_t.Host.Delivered);
    }

    [Fact]
    public void A_lookup_reply_completes_the_lookup_at_its_origin()
    {
        _t.Receive(new LookupReply(Handle("a0"), Id("a1"), 9, 3), from: "a0");

        Assert.Equal((9L, Id("a1"), Handle("a0"), 3), Assert.Single(_t.Host.Lookups));
    }

    [Fact]
    public void A_node_that_is_not_ready_drops_routed_messages_instead_of_claiming_keys()
    {
        var joining = new NodeUnderTest("40");
        joining.Node.Start(["fake:c0"]);

        joining.Receive(new RouteMessage(Id("4001"), Handle("c0"), Handle("c0"), "payload", 1), from: "c0");

        Assert.Empty(joining.Host.Delivered);
        Assert.Equal(1, joining.Node.Counters.Dropped);
    }

    [Fact]
    public void Direct_payloads_reach_the_host_and_to_self_skip_the_network()
    {
        _t.Receive(new DirectMessage(Handle("a0"), "hi"), from: "a0");
        _t.Node.SendDirect(_t.Self, "me");
        _t.Node.SendDirect(Handle("c0"), "you");

        Assert.Equal([(Handle("a0"), (object)"hi"), (_t.Self, "me")], _t.Host.DeliveredDirect);
        Assert.Equal(new DirectMessage(_t.Self, "you"), Assert.Single(_t.SentTo<DirectMessage>("c0")));
    }

    [Fact]
    public void Status_reports_the_tables_and_counters()
    {
        var status = _t.Node.Status();

        Assert.True(status.Ready);
        Assert.Equal(_t.Node.LeafSet.Clockwise, status.Clockwise);
        Assert.Equal(3, status.RoutingTableEntries);
        Assert.Equal(2, status.RoutingTableRows);
        // Three announcements and three answers to lease probes: as the members arrived, each of 41, 42 and c0
        // was for a while this node's successor or predecessor.
        Assert.Equal(6, status.MessagesReceived);
    }
}
