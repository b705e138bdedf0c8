using ePost.Overlay.Liveness;
using ePost.Overlay.Node;
using ePost.Overlay.Routing;
using static ePost.Overlay.Tests.Support.Ids;

namespace ePost.Overlay.Tests.Node;

public sealed class PastryNodeLeaseTests
{
    // 40 knows 41 (successor), 42 and c0 (predecessor); the fixture's neighbours granted leases at 0 s.
    private readonly NodeUnderTest _t = new NodeUnderTest("40").ReadyWith("41", "42", "c0");

    [Fact]
    public void With_both_neighbour_leases_the_root_delivers()
    {
        Assert.True(_t.Node.HoldsNeighbourLeases);
        _t.Node.Route(Id("40"), new LookupProbe(1));
        Assert.Single(_t.Host.Lookups);
    }

    [Fact]
    public void When_a_lease_lapses_the_root_holds_the_message_and_asks_its_neighbours_instead_of_delivering()
    {
        _t.Host.Now = _t.Settings.LeaseDuration + TimeSpan.FromSeconds(1);
        _t.Network.Sent.Clear();

        _t.Node.Route(Id("40"), new LookupProbe(1));

        Assert.False(_t.Node.HoldsNeighbourLeases);
        Assert.Empty(_t.Host.Lookups);
        Assert.Equal(1, _t.Node.HeldForLeases);
        Assert.Single(_t.SentTo<Probe>("41"));
        Assert.Single(_t.SentTo<Probe>("c0"));
    }

    [Fact]
    public void Held_messages_are_delivered_once_both_neighbours_renew_their_leases()
    {
        _t.Host.Now = _t.Settings.LeaseDuration + TimeSpan.FromSeconds(1);
        _t.Node.Route(Id("40"), new LookupProbe(1));

        _t.Receive(new ProbeReply(Handle("41"), _t.LastProbeNonce("41"), [], Lease: true), from: "41");
        Assert.Empty(_t.Host.Lookups);
        _t.Receive(new ProbeReply(Handle("c0"), _t.LastProbeNonce("c0"), [], Lease: true), from: "c0");

        Assert.Single(_t.Host.Lookups);
        Assert.Equal(0, _t.Node.HeldForLeases);
    }

    [Fact]
    public void A_reply_without_a_lease_does_not_count_so_a_node_that_dropped_the_true_owner_cannot_deliver()
    {
        _t.Host.Now = _t.Settings.LeaseDuration + TimeSpan.FromSeconds(1);
        _t.Node.Route(Id("40"), new LookupProbe(1));

        // 41 answers, but sees someone else as its neighbour on our side: no lease.
        _t.Receive(new ProbeReply(Handle("41"), _t.LastProbeNonce("41"), [], Lease: false), from: "41");
        _t.Receive(new ProbeReply(Handle("c0"), _t.LastProbeNonce("c0"), [], Lease: true), from: "c0");

        Assert.Empty(_t.Host.Lookups);
        Assert.Equal(1, _t.Node.HeldForLeases);
    }

    [Fact]
    public void A_lease_is_granted_only_to_an_immediate_neighbour()
    {
        _t.Receive(new Probe(Handle("41"), 7, []), from: "41");
        _t.Receive(new Probe(Handle("42"), 8, []), from: "42");

        Assert.True(Assert.Single(_t.SentTo<ProbeReply>("41")).Lease);
        Assert.False(Assert.Single(_t.SentTo<ProbeReply>("42")).Lease);
    }

    [Fact]
    public void Held_messages_are_dropped_and_counted_after_max_hold()
    {
        _t.Host.Now = _t.Settings.LeaseDuration + TimeSpan.FromSeconds(1);
        _t.Node.Route(Id("40"), new LookupProbe(1));
        var dropped = _t.Node.Counters.Dropped;

        _t.Host.Now += _t.Settings.MaxHold + TimeSpan.FromSeconds(1);
        _t.Fire(ProbeTick.Instance);

        Assert.Equal(0, _t.Node.HeldForLeases);
        Assert.Equal(dropped + 1, _t.Node.Counters.Dropped);
        Assert.Empty(_t.Host.Lookups);
    }

    [Fact]
    public void A_node_alone_needs_no_lease()
    {
        var alone = new NodeUnderTest("40").ReadyWith();
        Assert.True(alone.Node.HoldsNeighbourLeases);
        alone.Node.Route(Id("99"), new LookupProbe(1));
        Assert.Single(alone.Host.Lookups);
    }
}
