using ePost.Overlay.Liveness;
using ePost.Overlay.Node;
using ePost.Overlay.Routing;
using static ePost.Overlay.Tests.Support.Ids;

namespace ePost.Overlay.Tests.Node;

public sealed class PastryNodeSourceRoutingTests
{
    // 40 knows 41 (successor), 42 and c0 (predecessor).
    private readonly NodeUnderTest _t = new NodeUnderTest("40").ReadyWith("41", "42", "c0");

    /// <summary>42 does not answer on the direct path: the probe and both retries time out.</summary>
    private void DirectPathToFortyTwoFails()
    {
        _t.Host.Now = TimeSpan.FromSeconds(20);
        _t.Fire(ProbeTick.Instance);
        _t.Answer("41");
        _t.Answer("c0");
        for (var i = 0; i < 3; i++) _t.Fire(_t.PendingProbeTimeout("42")!);
    }

    private Relayed RelayedProbeVia(string relay) =>
        _t.SentTo<Relayed>(relay).Single(r => r.Target.Id == Id("42") && r.Inner is Probe);

    [Fact]
    public void When_the_direct_path_fails_the_node_is_probed_through_every_other_leaf_set_member_before_it_is_declared_dead()
    {
        DirectPathToFortyTwoFails();

        foreach (var relay in new[] { "41", "c0" })
        {
            var relayed = RelayedProbeVia(relay);
            Assert.Equal(_t.Self, relayed.Origin);
            Assert.Equal(Handle(relay), relayed.Relay);
        }
        Assert.True(_t.Knows("42"));
        Assert.DoesNotContain(_t.Host.Events, e => e is NodeDeclaredDead);
    }

    [Fact]
    public void An_answer_through_a_relay_keeps_the_node_and_makes_that_relay_its_route_for_all_traffic()
    {
        DirectPathToFortyTwoFails();
        var probe = (Probe)RelayedProbeVia("c0").Inner;

        // 42's answer comes back the same way.
        _t.Receive(new Relayed(Handle("42"), Handle("c0"), _t.Self, new ProbeReply(Handle("42"), probe.Nonce, [])), from: "c0");

        Assert.True(_t.Knows("42"));
        Assert.Equal(Handle("c0"), _t.Node.RelayFor(Handle("42")));
        _t.Network.Sent.Clear();
        _t.Node.Route(Id("42"), new LookupProbe(1));
        var data = Assert.Single(_t.SentTo<Relayed>("c0"));
        Assert.IsType<RouteMessage>(data.Inner);
        Assert.Empty(_t.SentTo<RouteMessage>("42"));
    }

    [Fact]
    public void The_node_is_declared_dead_only_when_the_direct_path_and_every_relay_failed()
    {
        DirectPathToFortyTwoFails();
        var round = _t.Host.Timers.Keys.OfType<RelayRoundTimeout>().Single();
        Assert.Equal(_t.Settings.RelayTimeout, _t.DelayOf(round));

        _t.Fire(round);

        Assert.False(_t.Knows("42"));
        Assert.Contains(_t.Host.Events, e => e is NodeDeclaredDead d && d.Node == Handle("42"));
    }

    [Fact]
    public void A_route_expires_after_its_lifetime_and_the_direct_path_is_tried_again()
    {
        DirectPathToFortyTwoFails();
        var probe = (Probe)RelayedProbeVia("41").Inner;
        _t.Receive(new Relayed(Handle("42"), Handle("41"), _t.Self, new ProbeReply(Handle("42"), probe.Nonce, [])), from: "41");

        _t.Host.Now += _t.Settings.RouteLifetime + TimeSpan.FromSeconds(1);
        _t.Network.Sent.Clear();
        _t.Node.SendDirect(Handle("42"), new LookupProbe(2));

        Assert.Single(_t.SentTo<DirectMessage>("42"));
        Assert.Null(_t.Node.RelayFor(Handle("42")));
    }

    [Fact]
    public void As_a_relay_a_node_forwards_the_message_unchanged_to_its_target()
    {
        var relayed = new Relayed(Handle("41"), _t.Self, Handle("42"), new Probe(Handle("41"), 9, []));
        _t.Receive(relayed, from: "41");
        Assert.Equal(relayed, Assert.Single(_t.SentTo<Relayed>("42")));
    }

    [Fact]
    public void A_relay_refuses_to_forward_to_a_node_it_believes_dead()
    {
        DirectPathToFortyTwoFails();
        _t.Fire(_t.Host.Timers.Keys.OfType<RelayRoundTimeout>().Single());
        _t.Network.Sent.Clear();
        var dropped = _t.Node.Counters.Dropped;

        _t.Receive(new Relayed(Handle("41"), _t.Self, Handle("42"), new Probe(Handle("41"), 9, [])), from: "41");

        Assert.Empty(_t.SentTo<Relayed>("42"));
        Assert.Equal(dropped + 1, _t.Node.Counters.Dropped);
    }

    [Fact]
    public void As_the_target_a_node_handles_the_inner_message_and_answers_through_the_same_relay()
    {
        _t.Receive(new Relayed(Handle("41"), Handle("c0"), _t.Self, new Probe(Handle("41"), 9, [])), from: "c0");

        var answer = Assert.Single(_t.SentTo<Relayed>("c0"));
        Assert.Equal(Handle("41"), answer.Target);
        Assert.Equal(9, Assert.IsType<ProbeReply>(answer.Inner).Nonce);
        Assert.Empty(_t.SentTo<ProbeReply>("41"));
    }

    [Fact]
    public void Relayed_messages_nested_or_without_an_overlay_message_inside_are_dropped()
    {
        var before = _t.Tables();
        var inner = new Relayed(Handle("41"), Handle("c0"), _t.Self, new Probe(Handle("41"), 1, []));
        _t.Receive(new Relayed(Handle("41"), Handle("c0"), _t.Self, inner), from: "c0");
        _t.Receive(new Relayed(Handle("41"), Handle("c0"), _t.Self, "not an overlay message"), from: "c0");
        _t.Receive(new Relayed(Handle("41"), Handle("c0"), Handle("41"), new Probe(Handle("41"), 1, [])), from: "41");

        Assert.Equal(3, _t.Node.Counters.Dropped);
        Assert.Equal(before, _t.Tables());
        Assert.Empty(_t.Network.Sent);
    }

    [Fact]
    public void Later_probe_rounds_do_not_restart_a_relay_round_in_progress_so_the_verdict_still_comes()
    {
        DirectPathToFortyTwoFails();
        var round = _t.Host.Timers.Keys.OfType<RelayRoundTimeout>().Single();

        // The next probe round probes 42 directly again, and that fails too before the relays are done.
        _t.Host.Now += _t.Settings.ProbeInterval;
        _t.Fire(ProbeTick.Instance);
        while (_t.PendingProbeTimeout("42") is { } timeout) _t.Fire(timeout);

        Assert.Equal(round, _t.Host.Timers.Keys.OfType<RelayRoundTimeout>().Single());
        _t.Fire(round);
        Assert.False(_t.Knows("42"));
    }
}
