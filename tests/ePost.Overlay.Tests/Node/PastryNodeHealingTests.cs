using ePost.Overlay.Join;
using ePost.Overlay.Liveness;
using ePost.Overlay.Node;
using static ePost.Overlay.Tests.Support.Ids;

namespace ePost.Overlay.Tests.Node;

public sealed class PastryNodeHealingTests
{
    // 40 knows 41 (successor), 42 and c0 (predecessor); healing never falls back to a bootstrap here.
    private readonly NodeUnderTest _t = new NodeUnderTest("40", "epost.overlay.healing.bootstrap-probability = 0").ReadyWith("41", "42", "c0");

    private void FortyTwoDies()
    {
        _t.Host.Now = TimeSpan.FromSeconds(20);
        _t.Fire(ProbeTick.Instance);
        _t.Answer("41");
        _t.Answer("c0");
        for (var i = 0; i < 3; i++) _t.Fire(_t.PendingProbeTimeout("42")!);
        _t.FailRelays("42");
    }

    [Fact]
    public void A_node_declared_dead_is_remembered_for_healing()
    {
        FortyTwoDies();
        Assert.Equal([Handle("42")], _t.Node.RecentlyDead);
    }

    [Fact]
    public void Each_heal_tick_routes_a_join_for_our_own_id_through_a_remembered_dead_node()
    {
        FortyTwoDies();
        _t.Network.Sent.Clear();

        _t.Fire(HealTick.Instance);

        var join = Assert.Single(_t.SentTo<JoinRequest>("42"));
        Assert.Equal(_t.Self, join.Joiner);
        Assert.Equal(_t.Settings.HealInterval, _t.DelayOf(HealTick.Instance));
    }

    [Fact]
    public void With_nothing_remembered_and_no_bootstrap_a_heal_tick_sends_nothing()
    {
        _t.Network.Sent.Clear();
        _t.Fire(HealTick.Instance);
        Assert.Empty(_t.Network.Sent);
    }

    [Fact]
    public void The_answer_from_another_ring_is_merged_its_nodes_verified_before_they_enter_our_tables()
    {
        FortyTwoDies();
        _t.Fire(HealTick.Instance);
        var nonce = _t.JoinNonce;
        _t.Network.Sent.Clear();

        // 42 survived in another ring; the root of our id there answers with its leaf set.
        _t.Receive(new JoinAccepted(Handle("3f"), [Handle("3e"), Handle("42")], [], nonce), from: "3f");

        Assert.True(_t.Knows("3f"));                      // it talked to us directly
        Assert.Single(_t.SentTo<Announce>("3f"));         // and now knows us
        Assert.False(_t.Knows("3e"));                     // named only: probed first
        Assert.Single(_t.SentTo<Probe>("3e"));
        Assert.Equal(0, _t.Node.Counters.Dropped);
    }

    [Fact]
    public void A_join_acceptance_nobody_asked_for_is_still_dropped_by_a_ready_node()
    {
        _t.Receive(new JoinAccepted(Handle("3f"), [Handle("3e")], []), from: "3f");
        Assert.False(_t.Knows("3f"));
        Assert.Equal(1, _t.Node.Counters.Dropped);
    }

    [Fact]
    public void A_remembered_node_that_talks_to_us_again_is_forgotten()
    {
        FortyTwoDies();
        _t.Receive(new Probe(Handle("42"), 1, []), from: "42");
        Assert.Empty(_t.Node.RecentlyDead);
    }

    [Fact]
    public void The_list_is_bounded_by_max_remembered()
    {
        var t = new NodeUnderTest("40", "epost.overlay.healing.max-remembered = 2").ReadyWith("41", "42", "43", "c0");
        t.Host.Now = TimeSpan.FromSeconds(20);
        foreach (var dying in new[] { "42", "43", "41" })
        {
            t.Fire(ProbeTick.Instance);
            while (t.PendingProbeTimeout(dying) is { } timeout) t.Fire(timeout);
            t.FailRelays(dying);
            Assert.False(t.Knows(dying));
        }
        Assert.Equal(2, t.Node.RecentlyDead.Count);
    }
}
