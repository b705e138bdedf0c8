using ePost.Overlay.Liveness;
using ePost.Overlay.Node;
using ePost.Overlay.Routing;
using static ePost.Overlay.Tests.Support.Ids;

namespace ePost.Overlay.Tests.Node;

public sealed class PastryNodeLivenessTests
{
    // 40 knows 41 (its successor, row 1), 42 (row 1) and c0 (its predecessor, row 0).
    private readonly NodeUnderTest _t = new NodeUnderTest("40").ReadyWith("41", "42", "c0");

    /// <summary>A probe round after every member has been quiet for longer than the probe interval.</summary>
    private void ProbeRoundAt(TimeSpan now)
    {
        _t.Host.Now = now;
        _t.Fire(ProbeTick.Instance);
    }

    /// <summary>42 stops answering: its probe and both retries time out.</summary>
    private void FortyTwoDies()
    {
        ProbeRoundAt(TimeSpan.FromSeconds(20));
        _t.Answer("41");
        _t.Answer("c0");
        for (var i = 0; i < 3; i++) _t.Fire(_t.PendingProbeTimeout("42")!);
        _t.FailRelays("42");
    }

    [Fact]
    public void Each_round_probes_both_immediate_neighbours_and_one_quiet_member()
    {
        ProbeRoundAt(TimeSpan.FromSeconds(20));

        Assert.Equal(["fake:41", "fake:c0", "fake:42"], _t.Sent<Probe>().Select(p => p.To));
        Assert.All(_t.Sent<Probe>(), p => Assert.Equal(_t.Node.LeafSet.Members, p.Message.LeafSet));
        Assert.Equal(TimeSpan.FromSeconds(15), _t.DelayOf(ProbeTick.Instance));
    }

    [Fact]
    public void A_member_heard_from_within_the_interval_is_not_probed_unless_it_is_a_neighbour()
    {
        ProbeRoundAt(TimeSpan.FromSeconds(10));

        Assert.Equal(["fake:41", "fake:c0"], _t.Sent<Probe>().Select(p => p.To));
    }

    [Fact]
    public void An_unanswered_probe_is_retried_with_back_off_and_then_the_member_is_declared_dead()
    {
        ProbeRoundAt(TimeSpan.FromSeconds(20));
        _t.Answer("41");
        _t.Answer("c0");
        var delays = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            var timeout = _t.PendingProbeTimeout("42")!;
            delays.Add(_t.DelayOf(timeout).TotalSeconds);
            _t.Fire(timeout);
        }
        _t.FailRelays("42");

        Assert.Equal([3, 6, 10], delays);
        Assert.Equal(3, _t.SentTo<Probe>("42").Count);
        Assert.Equal(new NodeDeclaredDead(Handle("42")), Assert.Single(_t.Host.Events.OfType<NodeDeclaredDead>()));
        Assert.Equal(1, _t.Node.Counters.DeclaredDead);
        Assert.False(_t.Node.LeafSet.Contains(Id("42")));
        Assert.False(_t.Node.Table.Contains(Id("42")));
        Assert.Null(_t.PendingProbeTimeout("42"));
        Assert.Equal(1, _t.Node.RememberedFailures);
    }

    [Fact]
    public void A_death_is_pushed_to_the_remaining_leaf_set_and_the_emptied_row_is_repaired()
    {
        FortyTwoDies();

        var infos = _t.Sent<LeafSetInfo>();
        Assert.Equal(["fake:41", "fake:c0"], infos.Select(i => i.To).Order());
        Assert.All(infos, i => Assert.DoesNotContain(i.Message.LeafSet, n => n.Id == Id("42")));
        // 42 sat in row 1; 41 is the other node of that row.
        Assert.Equal(new RowRequest(_t.Self, 1), Assert.Single(_t.SentTo<RowRequest>("41")));
    }

    [Fact]
    public void A_reply_to_a_retry_clears_the_suspicion()
    {
        ProbeRoundAt(TimeSpan.FromSeconds(20));
        _t.Fire(_t.PendingProbeTimeout("42")!);

        _t.Answer("42");

        Assert.Null(_t.PendingProbeTimeout("42"));
        Assert.True(_t.Node.LeafSet.Contains(Id("42")));
        Assert.Empty(_t.Host.Events.OfType<NodeDeclaredDead>());
    }

    [Fact]
    public void A_suspected_member_is_routed_around()
    {
        ProbeRoundAt(TimeSpan.FromSeconds(20));
        _t.Fire(_t.PendingProbeTimeout("42")!);
        _t.Network.Sent.Clear();

        _t.Node.Route(Id("42"), "for 42");

        Assert.Equal("fake:41", Assert.Single(_t.Sent<RouteMessage>()).To);
    }

    [Fact]
    public void Probe_timeouts_adapt_to_measured_round_trips()
    {
        ProbeRoundAt(TimeSpan.FromSeconds(20));
        _t.Host.Now += TimeSpan.FromMilliseconds(100);
        _t.Answer("41");

        ProbeRoundAt(TimeSpan.FromSeconds(40));

        // RFC 6298 after the 1 s sample taken while settling and one of 100 ms:
        // RTTVAR = 0.75 * 500 + 0.25 * |1000 - 100| = 600, SRTT = 0.875 * 1000 + 0.125 * 100 = 887.5,
        // RTO = 887.5 + 4 * 600 = 3287.5 ms (a fixed 3 s timeout would ignore the sample).
        Assert.Equal(TimeSpan.FromMilliseconds(3287.5), _t.DelayOf(_t.PendingProbeTimeout("41")!));
    }

    [Fact]
    public void A_late_reply_after_death_readmits_the_node_because_it_spoke_directly()
    {
        ProbeRoundAt(TimeSpan.FromSeconds(20));
        var firstNonce = _t.LastProbeNonce("42");
        _t.Answer("41");
        _t.Answer("c0");
        for (var i = 0; i < 3; i++) _t.Fire(_t.PendingProbeTimeout("42")!);
        _t.FailRelays("42");
        Assert.False(_t.Node.LeafSet.Contains(Id("42")));

        _t.Receive(new ProbeReply(Handle("42"), firstNonce, []), from: "42");

        Assert.True(_t.Node.LeafSet.Contains(Id("42")));
        Assert.True(_t.Node.Table.Contains(Id("42")));
        Assert.Equal(0, _t.Node.RememberedFailures);
    }

    [Fact]
    public void Gossip_is_not_admitted_until_the_named_node_answers_a_probe_itself()
    {
        _t.Receive(new Probe(Handle("41"), 1, [Handle("40"), Handle("43")]), from: "41");

        Assert.Single(_t.SentTo<ProbeReply>("41"));
        Assert.Single(_t.SentTo<Probe>("43"));
        Assert.False(_t.Knows("43"));

        _t.Answer("43");

        Assert.True(_t.Node.LeafSet.Contains(Id("43")));
        Assert.True(_t.Node.Table.Contains(Id("43")));
    }

    [Fact]
    public void Gossip_about_a_node_that_never_answers_is_forgotten_without_a_death_notice()
    {
        _t.Receive(new Probe(Handle("41"), 1, [Handle("43")]), from: "41");
        _t.Network.Sent.Clear();

        for (var i = 0; i < 3; i++) _t.Fire(_t.PendingProbeTimeout("43")!);

        Assert.False(_t.Knows("43"));
        Assert.Empty(_t.Host.Events.OfType<NodeDeclaredDead>());
        Assert.Equal(0, _t.Node.Counters.DeclaredDead);
        Assert.Empty(_t.Sent<LeafSetInfo>());

        // And it is remembered, so the same gossip does not start another round of probes.
        _t.Network.Sent.Clear();
        _t.Receive(new Probe(Handle("41"), 2, [Handle("43")]), from: "41");
        Assert.Empty(_t.SentTo<Probe>("43"));
    }

    [Fact]
    public void A_dead_node_is_not_resurrected_by_stale_gossip_within_failed_memory()
    {
        FortyTwoDies();
        _t.Network.Sent.Clear();
        _t.Host.Now += _t.Settings.DeadRecheckInterval - TimeSpan.FromSeconds(1);

        _t.Receive(new Probe(Handle("41"), 7, [Handle("41"), Handle("42")]), from: "41");
        _t.Receive(new LeafSetInfo(Handle("c0"), [Handle("42")]), from: "c0");
        _t.Receive(new RowReply(Handle("41"), 1, [Handle("42")]), from: "41");

        Assert.Empty(_t.SentTo<Probe>("42"));
        Assert.False(_t.Knows("42"));
    }

    [Fact]
    public void A_dead_node_that_peers_keep_naming_is_rechecked_once_per_interval_but_not_admitted_unheard()
    {
        FortyTwoDies();
        _t.Network.Sent.Clear();
        _t.Host.Now += _t.Settings.DeadRecheckInterval + TimeSpan.FromSeconds(1);

        _t.Receive(new Probe(Handle("41"), 7, [Handle("41"), Handle("42")]), from: "41");
        _t.Receive(new LeafSetInfo(Handle("c0"), [Handle("42")]), from: "c0");
        _t.Receive(new RowReply(Handle("41"), 1, [Handle("42")]), from: "41");

        Assert.Single(_t.SentTo<Probe>("42"));
        Assert.False(_t.Knows("42"));
    }

    [Fact]
    public void After_failed_memory_passes_gossip_about_a_dead_node_is_verified_again()
    {
        FortyTwoDies();
        _t.Host.Now += _t.Settings.FailedMemory + TimeSpan.FromSeconds(1);
        _t.Fire(ProbeTick.Instance);
        _t.Network.Sent.Clear();

        _t.Receive(new Probe(Handle("41"), 7, [Handle("42")]), from: "41");

        Assert.Single(_t.SentTo<Probe>("42"));
        Assert.False(_t.Knows("42"));
        Assert.Equal(0, _t.Node.RememberedFailures);
    }

    [Fact]
    public void A_newer_epoch_of_a_dead_node_is_verified_at_once()
    {
        FortyTwoDies();
        _t.Network.Sent.Clear();

        _t.Receive(new Probe(Handle("41"), 7, [Handle("42", epoch: 2)]), from: "41");
        Assert.Single(_t.SentTo<Probe>("42"));
        _t.Receive(new ProbeReply(Handle("42", epoch: 2), _t.LastProbeNonce("42"), []), from: Handle("42", epoch: 2));

        Assert.Equal(2, _t.Node.LeafSet.Get(Id("42"))!.Epoch);
        Assert.Equal(2, _t.Node.Table.Get(1, 2)!.Epoch);
    }

    [Fact]
    public void Direct_contact_from_a_dead_node_readmits_it()
    {
        FortyTwoDies();
        _t.Network.Sent.Clear();

        _t.Receive(new Probe(Handle("42"), 7, []), from: "42");

        Assert.Single(_t.SentTo<ProbeReply>("42"));
        Assert.True(_t.Node.LeafSet.Contains(Id("42")));
        Assert.Equal(0, _t.Node.RememberedFailures);
    }

    [Fact]
    public void A_row_reply_offers_candidates_that_are_verified_before_they_fill_holes()
    {
        _t.Receive(new RowReply(Handle("41"), 1, [Handle("45"), Handle("41")]), from: "41");

        Assert.Single(_t.SentTo<Probe>("45"));
        Assert.False(_t.Knows("45"));
        _t.Answer("45");
        Assert.Equal(Id("45"), _t.Node.Table.Get(1, 5)!.Id);
    }

    [Fact]
    public void Table_maintenance_asks_an_entry_for_its_row()
    {
        _t.Fire(TableMaintenanceTick.Instance);

        var (to, request) = Assert.Single(_t.Sent<RowRequest>());
        Assert.Equal(_t.Self, request.From);
        Assert.Contains(_t.Node.Table.Row(request.Row), n => n.Address == to);
        Assert.Equal(TimeSpan.FromMinutes(15), _t.DelayOf(TableMaintenanceTick.Instance));
    }

    [Fact]
    public void A_neighbour_s_omission_of_a_member_heard_from_within_the_probe_interval_is_not_news()
    {
        _t.Host.Now = TimeSpan.FromSeconds(5);

        _t.Receive(new LeafSetInfo(Handle("41"), [Handle("40"), Handle("c0")]), from: "41");
        _t.Receive(new LeafSetInfo(Handle("c0"), [Handle("40"), Handle("41")]), from: "c0");

        Assert.Empty(_t.SentTo<Probe>("42"));
    }

    [Fact]
    public void A_neighbour_s_omission_of_a_member_quiet_for_longer_than_the_probe_interval_is_verified_once()
    {
        // Last heard when the fixture settled, at 1 s.
        _t.Host.Now = TimeSpan.FromSeconds(17);

        _t.Receive(new LeafSetInfo(Handle("41"), [Handle("40"), Handle("c0")]), from: "41");
        _t.Receive(new LeafSetInfo(Handle("c0"), [Handle("40"), Handle("41")]), from: "c0");

        Assert.Single(_t.SentTo<Probe>("42"));
        Assert.True(_t.Node.LeafSet.Contains(Id("42")), "the neighbour's verdict alone removes nobody");
    }

    [Fact]
    public void A_routing_table_entry_enters_the_leaf_set_when_the_members_between_it_and_us_die()
    {
        var t = new NodeUnderTest("40", "epost.overlay.leaf-set-size = 4").ReadyWith("41", "42", "43", "c0", "b0");
        Assert.Equal([Id("41"), Id("42")], t.Node.LeafSet.Clockwise.Select(n => n.Id));
        Assert.True(t.Node.Table.Contains(Id("43")));
        t.Host.Now = TimeSpan.FromSeconds(20);
        t.Fire(ProbeTick.Instance);
        t.Answer("41");
        t.Answer("c0");
        for (var i = 0; i < 3; i++) t.Fire(t.PendingProbeTimeout("42")!);
        t.FailRelays("42");
        Assert.Equal([Id("41")], t.Node.LeafSet.Clockwise.Select(n => n.Id));
        t.Network.Sent.Clear();

        // 41 tells us its leaf set, which holds 43: known to us from the table, but now a leaf-set member too.
        t.Receive(new LeafSetInfo(Handle("41"), [Handle("40"), Handle("43")]), from: "41");
        t.Answer("43");

        Assert.Equal([Id("41"), Id("43")], t.Node.LeafSet.Clockwise.Select(n => n.Id));
    }
}
