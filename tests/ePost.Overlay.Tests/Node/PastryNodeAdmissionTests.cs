using ePost.Overlay.Join;
using ePost.Overlay.Liveness;
using ePost.Overlay.Network;
using ePost.Overlay.Node;
using ePost.Overlay.Routing;
using static ePost.Overlay.Tests.Support.Ids;

namespace ePost.Overlay.Tests.Node;

/// <summary>
/// What a certified member cannot do to another node through the overlay (issue 11): every node speaks only in its
/// own name, as the transport proved it, and what it says about others is verified with those others.
/// </summary>
public sealed class PastryNodeAdmissionTests
{
    // 40 knows 41 (successor), 42 and c0 (predecessor). 77 is a certified member 40 has not met.
    private readonly NodeUnderTest _t = new NodeUnderTest("40").ReadyWith("41", "42", "c0");

    [Fact]
    public void A_member_cannot_take_another_node_s_id_or_epoch()
    {
        var tables = _t.Tables();

        // 77 claims 42's id with a later epoch, at its own address and at 42's: the transport proved it is 77.
        _t.Receive(new Probe(new NodeHandle(Id("42"), "fake:77", 2), 1, []), from: "77");
        _t.Receive(new Probe(Handle("42", epoch: 2), 2, []), from: "77");
        _t.Receive(new Announce(new NodeHandle(Id("42"), "fake:77", 5)), from: "77");

        Assert.Equal(3, _t.Node.Counters.ForgedSender);
        Assert.Equal(3, _t.Node.Counters.Dropped);
        Assert.Equal(tables, _t.Tables());
        Assert.Empty(_t.Network.Sent);

        // Gossip naming 42's next epoch at 77's address only makes 40 check the 42 it knows, where it knows it.
        _t.Host.Now += _t.Settings.ProbeInterval + TimeSpan.FromSeconds(1);
        _t.Receive(new LeafSetInfo(Handle("41"), [Handle("40"), new NodeHandle(Id("42"), "fake:77", 2)]), from: "41");
        Assert.Single(_t.SentTo<Probe>("42"));
        Assert.Empty(_t.SentTo<Probe>("77"));
        // 77 answering that probe in 42's name is forged too.
        _t.Receive(new ProbeReply(new NodeHandle(Id("42"), "fake:77", 2), _t.LastProbeNonce("42"), []), from: "77");
        Assert.Equal(Handle("42"), _t.Node.LeafSet.Get(Id("42")));

        // Only 42 itself proves its new incarnation.
        _t.Receive(new ProbeReply(Handle("42", epoch: 2), _t.LastProbeNonce("42"), []), from: Handle("42", epoch: 2));
        Assert.Equal(Handle("42", epoch: 2), _t.Node.LeafSet.Get(Id("42")));
    }

    [Fact]
    public void A_member_cannot_inject_a_forged_leaf_set()
    {
        // 41 is a neighbour, but what it says of others is only a hint: 43 at 41's own address, 42 at 41's address
        // with a later epoch, and 44 and 45 that may or may not exist.
        var forged = new NodeHandle(Id("43"), "fake:41", 1);
        _t.Receive(new LeafSetInfo(Handle("41"), [forged, new NodeHandle(Id("42"), "fake:41", 3), Handle("44")]), from: "41");
        _t.Receive(new RowReply(Handle("41"), 1, [Handle("45")]), from: "41");

        Assert.False(_t.Knows("43"));
        Assert.False(_t.Knows("44"));
        Assert.False(_t.Knows("45"));
        Assert.Equal(Handle("42"), _t.Node.LeafSet.Get(Id("42")));

        // Each is probed where it was said to be; 41 answering for 43 is a forged sender.
        var probeFor43 = _t.SentTo<Probe>("41").Last().Nonce;
        _t.Receive(new ProbeReply(forged, probeFor43, []), from: "41");
        Assert.False(_t.Knows("43"));
        Assert.Equal(1, _t.Node.Counters.ForgedSender);

        // A named node that answers from its own connection is admitted; one that never answers is forgotten.
        _t.Answer("44");
        Assert.True(_t.Node.LeafSet.Contains(Id("44")));
        while (_t.PendingProbeTimeout("43") is { } timeout) _t.Fire(timeout);
        Assert.False(_t.Knows("43"));
        Assert.Empty(_t.Host.Events.OfType<NodeDeclaredDead>());
    }

    [Fact]
    public void A_join_root_s_leaf_set_is_verified_like_any_other()
    {
        var t = new NodeUnderTest("41");
        t.Node.Start(["fake:40"]);

        // The root names a node at its own address in the id of 42.
        t.Receive(new JoinAccepted(Handle("40"), [Handle("40"), new NodeHandle(Id("42"), "fake:40", 1)], [], t.JoinNonce), from: "40");

        Assert.True(t.Node.IsReady);
        Assert.True(t.Knows("40"));
        Assert.False(t.Knows("42"));
        t.Receive(new ProbeReply(new NodeHandle(Id("42"), "fake:40", 1), t.LastProbeNonce("40"), []), from: "40");
        Assert.False(t.Knows("42"));
    }

    [Fact]
    public void A_member_cannot_end_someone_s_join()
    {
        var t = new NodeUnderTest("41");
        t.Node.Start(["fake:40"]);
        var nonce = t.JoinNonce;

        // 77 is not on the join's route: it does not know the join's nonce.
        t.Receive(new JoinRejected(Handle("77"), "node id already in use", Retry: false), from: "77");
        t.Receive(new JoinAccepted(Handle("77"), [Handle("77")], []), from: "77");
        // Even knowing it, 77 cannot answer in the root's name.
        t.Receive(new JoinAccepted(Handle("40"), [Handle("77")], [], nonce), from: "77");
        t.Receive(new JoinRejected(Handle("40"), "node id already in use", Retry: false, nonce), from: "77");
        // A node on the route knows the nonce, but "id in use" is taken only from the node that holds our id.
        t.Receive(new JoinRejected(Handle("40"), "node id already in use", Retry: false, nonce), from: "40");

        Assert.False(t.Node.IsReady);
        Assert.Empty(t.Host.Events.OfType<JoinFailed>());
        Assert.Equal(5, t.Node.Counters.Dropped);
        Assert.Equal(2, t.Node.Counters.ForgedSender);
        Assert.True(t.Node.LeafSet.IsEmpty);
        Assert.Contains(new JoinTimeout(0), t.Host.Timers.Keys);

        // The root's own answer still completes it.
        t.Receive(new JoinAccepted(Handle("40"), [Handle("40")], [], nonce), from: "40");
        Assert.True(t.Node.IsReady);
    }

    [Fact]
    public void A_member_cannot_end_a_healing_join_or_answer_it_in_another_ring_s_name()
    {
        var t = new NodeUnderTest("40", "epost.overlay.healing.bootstrap-probability = 0").ReadyWith("41", "c0");
        t.Host.Now = TimeSpan.FromSeconds(20);
        t.Fire(ProbeTick.Instance);
        t.Answer("c0");
        while (t.PendingProbeTimeout("41") is { } timeout) t.Fire(timeout);
        t.FailRelays("41");
        t.Fire(HealTick.Instance);
        var nonce = t.JoinNonce;
        var tables = t.Tables();

        t.Receive(new JoinAccepted(Handle("c0"), [Handle("3e")], []), from: "c0");
        t.Receive(new JoinAccepted(Handle("3f"), [Handle("3e")], [], nonce), from: "c0");

        Assert.Equal(2, t.Node.Counters.Dropped);
        Assert.Equal(tables, t.Tables());
        Assert.Empty(t.SentTo<Probe>("3e"));
    }

    /// <summary>42 does not answer on the direct path: the probe and both retries time out; relays are tried.</summary>
    private void DirectPathToFortyTwoFails()
    {
        _t.Host.Now = TimeSpan.FromSeconds(20);
        _t.Fire(ProbeTick.Instance);
        _t.Answer("41");
        _t.Answer("c0");
        for (var i = 0; i < 3; i++) _t.Fire(_t.PendingProbeTimeout("42")!);
    }

    [Fact]
    public void A_member_cannot_re_point_a_route()
    {
        // 41 claims to carry a message from 42: before, that made 41 our route to 42 for route-lifetime.
        _t.Receive(new Relayed(Handle("42"), Handle("41"), _t.Self, new Probe(Handle("42"), 9, [])), from: "41");

        Assert.Null(_t.Node.RelayFor(Handle("42")));
        // The message itself is answered the way it came; our own traffic to 42 still goes direct.
        Assert.Equal(Handle("42"), Assert.Single(_t.SentTo<Relayed>("41")).Target);
        _t.Network.Sent.Clear();
        _t.Node.SendDirect(Handle("42"), "x");
        Assert.Single(_t.SentTo<DirectMessage>("42"));

        // After 42's own answer through c0 to our relayed probe, c0 is the route, and 41 cannot move it.
        DirectPathToFortyTwoFails();
        var viaC0 = (Probe)_t.SentTo<Relayed>("c0").Single(r => r.Target.Id == Id("42")).Inner;
        var viaFortyOne = (Probe)_t.SentTo<Relayed>("41").Single(r => r.Target.Id == Id("42")).Inner;
        // 41 delivering the answer to the probe sent through c0 does not make 41 the route.
        _t.Receive(new Relayed(Handle("42"), Handle("41"), _t.Self, new ProbeReply(Handle("42"), viaC0.Nonce, [])), from: "41");
        Assert.Null(_t.Node.RelayFor(Handle("42")));
        Assert.NotEqual(0, viaFortyOne.Nonce);
    }

    [Fact]
    public void A_route_is_re_pointed_by_the_target_s_answer_through_that_relay()
    {
        DirectPathToFortyTwoFails();
        var viaC0 = (Probe)_t.SentTo<Relayed>("c0").Single(r => r.Target.Id == Id("42")).Inner;

        _t.Receive(new Relayed(Handle("42"), Handle("c0"), _t.Self, new ProbeReply(Handle("42"), viaC0.Nonce, [])), from: "c0");
        Assert.Equal(Handle("c0"), _t.Node.RelayFor(Handle("42")));

        _t.Receive(new Relayed(Handle("42"), Handle("41"), _t.Self, new Probe(Handle("42"), 9, [])), from: "41");
        Assert.Equal(Handle("c0"), _t.Node.RelayFor(Handle("42")));
    }

    [Fact]
    public void A_relay_cannot_vouch_a_new_node_into_the_tables()
    {
        // 41 relays a probe from a node 40 has never met: 40 answers it the way it came, and verifies 43 itself.
        _t.Receive(new Relayed(Handle("43"), Handle("41"), _t.Self, new Probe(Handle("43"), 9, [])), from: "41");

        Assert.False(_t.Knows("43"));
        Assert.Equal(9, Assert.IsType<ProbeReply>(Assert.Single(_t.SentTo<Relayed>("41")).Inner).Nonce);
        var probe = Assert.Single(_t.SentTo<Probe>("43"));
        // 41 answering that probe in 43's name through itself admits nobody either.
        _t.Receive(new Relayed(Handle("43"), Handle("41"), _t.Self, new ProbeReply(Handle("43"), probe.Nonce, [])), from: "41");
        Assert.False(_t.Knows("43"));

        _t.Answer("43");
        Assert.True(_t.Knows("43"));
    }

    [Fact]
    public void A_member_cannot_use_a_relay_to_reach_a_non_member()
    {
        // 41 asks 40 to relay to 99, which 40 does not know, and to 42's id at another address.
        _t.Receive(new Relayed(Handle("41"), _t.Self, Handle("99"), new Probe(Handle("41"), 9, [])), from: "41");
        _t.Receive(new Relayed(Handle("41"), _t.Self, new NodeHandle(Id("42"), "fake:99", 1), new Probe(Handle("41"), 9, [])), from: "41");
        // 77 claims to relay for 41, and 41 relays a message in c0's name.
        _t.Receive(new Relayed(Handle("41"), _t.Self, Handle("42"), new Probe(Handle("41"), 9, [])), from: "77");
        _t.Receive(new Relayed(Handle("41"), _t.Self, Handle("42"), new Probe(Handle("c0"), 9, [])), from: "41");

        Assert.Empty(_t.Network.Sent);
        Assert.Equal(4, _t.Node.Counters.Dropped);
        Assert.Equal(2, _t.Node.Counters.ForgedSender);

        // Between two members it knows, in the origin's own name, 40 relays.
        _t.Receive(new Relayed(Handle("41"), _t.Self, Handle("42"), new Probe(Handle("41"), 9, [])), from: "41");
        Assert.Single(_t.SentTo<Relayed>("42"));
    }

    [Fact]
    public void A_peer_over_its_rate_is_throttled()
    {
        var t = new NodeUnderTest("40", "epost.overlay.admission { peer-messages-per-second = 2, peer-message-burst = 3 }").ReadyWith("41", "c0");
        t.Host.Now += TimeSpan.FromSeconds(10); // buckets full again

        for (var nonce = 1; nonce <= 5; nonce++) t.Receive(new Probe(Handle("41"), nonce, []), from: "41");

        Assert.Equal([1, 2, 3], t.SentTo<ProbeReply>("41").Select(r => r.Nonce));
        Assert.Equal(2, t.Node.Counters.Throttled);
        Assert.Equal(0, t.Node.Counters.Dropped);
        // Another peer has its own buckets.
        t.Receive(new Probe(Handle("c0"), 6, []), from: "c0");
        Assert.Single(t.SentTo<ProbeReply>("c0"));

        // A second later 41 has two more messages.
        t.Host.Now += TimeSpan.FromSeconds(1);
        for (var nonce = 7; nonce <= 9; nonce++) t.Receive(new Probe(Handle("41"), nonce, []), from: "41");
        Assert.Equal([1, 2, 3, 7, 8], t.SentTo<ProbeReply>("41").Select(r => r.Nonce));
        Assert.Equal(3, t.Node.Counters.Throttled);
    }

    [Fact]
    public void A_peer_over_its_byte_rate_is_throttled()
    {
        var t = new NodeUnderTest("40", "epost.overlay.admission { peer-bytes-per-second = 1000, peer-byte-burst = 2000 }").ReadyWith("41", "c0");
        t.Host.Now += TimeSpan.FromSeconds(10);

        t.Receive(new DirectMessage(Handle("41"), new byte[1500]), from: "41");
        t.Receive(new DirectMessage(Handle("41"), new byte[1500]), from: "41");

        Assert.Single(t.Host.DeliveredDirect);
        Assert.Equal(1, t.Node.Counters.Throttled);
    }

    [Fact]
    public void Without_authentication_a_sender_must_still_come_from_the_address_it_names()
    {
        // Plain TCP (tls = off): the transport knows only the address a message came from.
        var fromSeventySeven = new AuthenticatedPeer("fake:77", null);

        _t.Receive(new Probe(Handle("41"), 1, []), fromSeventySeven);
        Assert.Equal(1, _t.Node.Counters.ForgedSender);
        Assert.Empty(_t.Network.Sent);

        _t.Receive(new Probe(Handle("77"), 2, []), fromSeventySeven);
        Assert.Equal(2, Assert.Single(_t.SentTo<ProbeReply>("77")).Nonce);
    }

    [Fact]
    public void A_joiner_probes_a_named_node_only_while_nearer_candidates_being_verified_cannot_take_its_place()
    {
        // Two members a side. The root names 3f01 and 3f02 (nearest counter-clockwise), 4101 and 4102 (nearest
        // clockwise), then 4103 and 3eff: each would enter the leaf set only if a nearer one fails, and each falls in a
        // routing-table slot that a nearer one being verified fills when it answers.
        var t = new NodeUnderTest("40", "epost.overlay.leaf-set-size = 4");
        t.Node.Start(["fake:80"]);
        t.Receive(new JoinAccepted(Handle("80"), [Handle("3f01"), Handle("3f02"), Handle("4101"), Handle("4102"), Handle("4103"), Handle("3eff")], [],
            t.JoinNonce), from: "80");

        foreach (var near in new[] { "3f01", "3f02", "4101", "4102" }) Assert.Single(t.SentTo<Probe>(near));
        Assert.Empty(t.SentTo<Probe>("4103"));
        Assert.Empty(t.SentTo<Probe>("3eff"));
        // Named again while the nearer ones are being verified: still not worth a probe.
        t.Receive(new LeafSetInfo(Handle("80"), [Handle("4103"), Handle("3eff")]), from: "80");
        Assert.Empty(t.SentTo<Probe>("4103"));
        Assert.Empty(t.SentTo<Probe>("3eff"));

        // 4101 never answers and is given up; the others answer. The next mention of 4103 is verified, and 4103 is
        // admitted only on its own answer.
        while (t.PendingProbeTimeout("4101") is { } timeout) t.Fire(timeout);
        foreach (var near in new[] { "3f01", "3f02", "4102" }) t.Answer(near);
        t.Receive(new LeafSetInfo(Handle("4102"), [Handle("4103")]), from: "4102");
        Assert.Single(t.SentTo<Probe>("4103"));
        Assert.False(t.Knows("4103"));
        t.Answer("4103");
        Assert.Contains(Handle("4103"), t.Node.LeafSet.Clockwise);
    }

    [Fact]
    public void A_second_candidate_for_an_empty_routing_table_slot_is_not_probed_while_the_first_is_being_verified()
    {
        var t = new NodeUnderTest("40", "epost.overlay.leaf-set-size = 2").ReadyWith("41", "3f");

        // a0 and a1 both fill row 0, column a, and neither is near enough for the leaf set.
        t.Receive(new LeafSetInfo(Handle("41"), [Handle("a0"), Handle("a1")]), from: "41");
        Assert.Single(t.SentTo<Probe>("a0"));
        Assert.Empty(t.SentTo<Probe>("a1"));
        Assert.False(t.Knows("a0"));

        // a0 fails: the slot is free again, and the next mention of a1 is verified before a1 enters the table.
        while (t.PendingProbeTimeout("a0") is { } timeout) t.Fire(timeout);
        t.Receive(new LeafSetInfo(Handle("41"), [Handle("a1")]), from: "41");
        Assert.Single(t.SentTo<Probe>("a1"));
        Assert.False(t.Knows("a1"));
        t.Answer("a1");
        Assert.True(t.Node.Table.Contains(Id("a1")));
    }
}
