using ePost.Overlay.Join;
using ePost.Overlay.Liveness;
using ePost.Overlay.Node;
using ePost.Overlay.Routing;
using static ePost.Overlay.Tests.Support.Ids;

namespace ePost.Overlay.Tests.Node;

public sealed class PastryNodeJoinTests
{
    private static string[] Hex(IEnumerable<NodeHandle> handles) => handles.Select(h => h.Address["fake:".Length..]).ToArray();

    [Fact]
    public void The_first_node_without_a_bootstrap_is_ready_at_once()
    {
        var t = new NodeUnderTest("40");

        t.Node.Start([]);

        Assert.True(t.Node.IsReady);
        Assert.Equal(new BecameReady(t.Self), t.Host.Events[0]);
        var leaves = Assert.IsType<LeafSetChanged>(t.Host.Events[1]);
        Assert.Empty(leaves.Members);
        Assert.Empty(t.Network.Sent);
        Assert.Contains(ProbeTick.Instance, t.Host.Timers.Keys);
        Assert.Contains(TableMaintenanceTick.Instance, t.Host.Timers.Keys);
    }

    [Fact]
    public void Its_own_address_as_the_only_bootstrap_forms_a_new_ring()
    {
        var t = new NodeUnderTest("40");

        t.Node.Start(["fake:40"]);

        Assert.True(t.Node.IsReady);
        Assert.Empty(t.Network.Sent);
    }

    [Fact]
    public void The_root_accepts_a_join_with_its_leaf_set_and_the_rows_it_learned()
    {
        var t = new NodeUnderTest("40").ReadyWith("20", "60", "4c");
        var joiner = Handle("41");

        t.Receive(new JoinRequest(joiner, joiner, 0, []), from: joiner);

        var accepted = Assert.Single(t.SentTo<JoinAccepted>("41"));
        Assert.Equal(t.Self, accepted.Root);
        Assert.Equal(["20", "40", "4c", "60"], Hex(accepted.LeafSet).Order());
        // Itself first, then row 0 (20, 60) and row 1 (4c): the rows the joiner shares a prefix for.
        Assert.Equal(["40", "20", "60", "4c"], Hex(accepted.Learned));
        // The joiner is not ready yet: it must not enter anyone's tables before it announces itself.
        Assert.False(t.Knows("41"));
    }

    [Fact]
    public void A_node_that_is_not_the_root_forwards_the_join_one_hop_on_with_itself_appended()
    {
        var t = new NodeUnderTest("40").ReadyWith("20", "60", "4c");
        var joiner = Handle("61");

        t.Receive(new JoinRequest(joiner, Handle("20"), 3, [Handle("10")]), from: "20");

        var (to, forwarded) = Assert.Single(t.Sent<JoinRequest>());
        Assert.Equal("fake:60", to);
        Assert.Equal(joiner, forwarded.Joiner);
        Assert.Equal(t.Self, forwarded.Sender);
        Assert.Equal(4, forwarded.Hops);
        // What earlier hops learned, then this node, then its row 0 only: 61 shares no digit with 40, so 4c
        // (row 1) is of no use to the joiner's table.
        Assert.Equal(["10", "40", "20", "60"], Hex(forwarded.Learned));
        Assert.Empty(t.Sent<JoinAccepted>());
    }

    [Fact]
    public void A_joiner_becomes_ready_on_acceptance_and_verifies_every_node_it_learned_before_admitting_it()
    {
        var t = new NodeUnderTest("41");
        t.Node.Start(["fake:40"]);

        var request = Assert.Single(t.SentTo<JoinRequest>("40"));
        Assert.Equal(new JoinRequest(t.Self, t.Self, 0, [], JoinNonce: request.JoinNonce), request);
        Assert.NotEqual(0, request.JoinNonce);
        Assert.False(t.Node.IsReady);
        Assert.Contains(new JoinTimeout(0), t.Host.Timers.Keys);

        t.Receive(new JoinAccepted(Handle("40"), [Handle("20"), Handle("60"), Handle("40")],
            [Handle("40"), Handle("20"), Handle("60"), Handle("4c"), Handle("a0")], request.JoinNonce), from: "40");

        Assert.True(t.Node.IsReady);
        Assert.Contains(new BecameReady(t.Self), t.Host.Events);
        Assert.DoesNotContain(new JoinTimeout(0), t.Host.Timers.Keys);
        // The root proved itself on its connection: it is admitted and told we exist.
        Assert.True(t.Knows("40"));
        Assert.Equal(t.Self, Assert.Single(t.SentTo<Announce>("40")).From);
        // Everyone it named is second-hand: probed, and admitted only on its own answer (which also tells it of us).
        foreach (var named in new[] { "20", "4c", "60", "a0" })
        {
            Assert.False(t.Knows(named));
            Assert.Single(t.SentTo<Probe>(named));
            t.Answer(named);
            Assert.True(t.Knows(named));
        }
    }

    [Fact]
    public void Routes_requested_while_joining_are_sent_once_ready()
    {
        var t = new NodeUnderTest("41");
        t.Node.Start(["fake:40"]);

        Assert.True(t.Node.Lookup(Id("a1"), requestId: 7));
        Assert.True(t.Node.Route(Id("21"), "hello"));
        Assert.Empty(t.Sent<RouteMessage>());

        t.Receive(new JoinAccepted(Handle("40"), [Handle("20"), Handle("40"), Handle("a0")], [Handle("40")], t.JoinNonce), from: "40");

        // The root is the one node proven so far: "hello" for 21 goes through it. a1 may belong to a0, which the
        // root named: the lookup waits for a0 to answer, then goes to it.
        var hello = Assert.Single(t.Sent<RouteMessage>());
        Assert.Equal("fake:40", hello.To);
        Assert.Equal("hello", hello.Message.Payload);
        Assert.Equal((t.Self, t.Self, 1), (hello.Message.Origin, hello.Message.Sender, hello.Message.Hops));
        t.Answer("a0");
        var lookup = Assert.Single(t.SentTo<RouteMessage>("a0"));
        Assert.Equal(new LookupProbe(7), lookup.Payload);
    }

    [Fact]
    public void Until_the_members_named_by_the_root_have_answered_a_new_node_holds_what_may_be_theirs()
    {
        var t = new NodeUnderTest("41");
        t.Node.Start(["fake:40"]);
        t.Receive(new JoinAccepted(Handle("40"), [Handle("40"), Handle("48")], [], t.JoinNonce), from: "40");
        t.Receive(new ProbeReply(Handle("40"), t.LastProbeNonce("40"), [Handle("41"), Handle("48")], Lease: true), from: "40");

        // 46 is closer to 41 than to 40, but 48 (named, not yet answered) may be its root: 41 waits.
        t.Node.Route(Id("46"), "for 46");
        Assert.Empty(t.Host.Delivered);
        Assert.Equal(1, t.Node.HeldForLeases);

        // 48 never answers: it is forgotten, and the message is ours after all.
        while (t.PendingProbeTimeout("48") is { } timeout) t.Fire(timeout);
        Assert.Single(t.Host.Delivered);
    }

    [Fact]
    public void Routes_beyond_the_queue_limit_are_refused_while_joining()
    {
        var t = new NodeUnderTest("41", "epost.overlay.join.max-queued-routes = 2");
        t.Node.Start(["fake:40"]);

        Assert.True(t.Node.Route(Id("21"), "one"));
        Assert.True(t.Node.Route(Id("22"), "two"));
        Assert.False(t.Node.Route(Id("23"), "three"));
    }

    [Fact]
    public void An_unanswered_join_is_retried_with_doubling_back_off_capped_at_retry_max_through_each_bootstrap_in_turn()
    {
        var t = new NodeUnderTest("41");
        t.Node.Start(["fake:b1", "fake:b2"]);
        var backoffs = new List<double>();
        var targets = new List<string> { Assert.Single(t.Network.Sent).To };

        for (var attempt = 0; attempt < 8; attempt++)
        {
            Assert.Equal(TimeSpan.FromSeconds(10), t.DelayOf(new JoinTimeout(attempt)));
            t.Fire(new JoinTimeout(attempt));
            Assert.Empty(t.Host.Timers.Keys.OfType<JoinTimeout>());
            backoffs.Add(t.DelayOf(new JoinRetry(attempt + 1)).TotalSeconds);
            t.Network.Sent.Clear();
            t.Fire(new JoinRetry(attempt + 1));
            targets.Add(Assert.Single(t.Sent<JoinRequest>()).To);
        }

        Assert.Equal([2, 4, 8, 16, 32, 60, 60, 60], backoffs);
        Assert.Equal(["fake:b1", "fake:b2", "fake:b1", "fake:b2", "fake:b1", "fake:b2", "fake:b1", "fake:b2", "fake:b1"], targets);
        Assert.False(t.Node.IsReady);
    }

    [Fact]
    public void A_stale_join_timer_does_nothing()
    {
        var t = new NodeUnderTest("41");
        t.Node.Start(["fake:b1"]);
        t.Fire(new JoinTimeout(0));
        t.Network.Sent.Clear();

        t.Node.OnTimer(new JoinTimeout(0));
        t.Node.OnTimer(new JoinRetry(5));

        Assert.Empty(t.Network.Sent);
        Assert.Single(t.Host.Timers.Keys.OfType<JoinRetry>());
    }

    [Fact]
    public void A_rejection_that_allows_retry_schedules_the_next_attempt()
    {
        var t = new NodeUnderTest("41");
        t.Node.Start(["fake:40"]);

        t.Receive(new JoinRejected(Handle("40"), "node is busy", Retry: true, t.JoinNonce), from: "40");

        Assert.DoesNotContain(new JoinTimeout(0), t.Host.Timers.Keys);
        Assert.Equal(TimeSpan.FromSeconds(2), t.DelayOf(new JoinRetry(1)));
        t.Fire(new JoinRetry(1));
        Assert.Equal(2, t.SentTo<JoinRequest>("40").Count);
        Assert.Empty(t.Host.Events.OfType<JoinFailed>());
    }

    [Fact]
    public void A_permanent_rejection_from_the_node_holding_our_id_ends_the_join_with_JoinFailed()
    {
        var t = new NodeUnderTest("41");
        t.Node.Start(["fake:40"]);
        var twin = new NodeHandle(Id("41"), "fake:41x", 1);

        // The same key already runs at another address (an operator started it twice); the transport proves its id.
        t.Receive(new JoinRejected(twin, "node id already in use by fake:41x", Retry: false, t.JoinNonce), from: twin);

        Assert.Equal(new JoinFailed("node id already in use by fake:41x"), Assert.Single(t.Host.Events));
        Assert.DoesNotContain(t.Host.Timers.Keys, k => k is JoinTimeout or JoinRetry);
        Assert.False(t.Node.IsReady);
        Assert.Single(t.Network.Sent);
    }

    [Fact]
    public void A_full_leaf_set_takes_a_joiner_and_evicts_its_farthest_member_on_that_side()
    {
        const string smallLeafSet = "epost.overlay.leaf-set-size = 4";
        var root = new NodeUnderTest("40", smallLeafSet).ReadyWith("50", "60", "30", "20");
        Assert.Equal(["50", "60"], Hex(root.Node.LeafSet.Clockwise));
        var joiner = new NodeUnderTest("44", smallLeafSet);
        joiner.Node.Start(["fake:40"]);

        root.Receive(Assert.Single(joiner.SentTo<JoinRequest>("40")), from: joiner.Self);
        joiner.Receive(Assert.Single(root.SentTo<JoinAccepted>("44")), from: root.Self);
        root.Receive(Assert.Single(joiner.SentTo<Announce>("40")), from: joiner.Self);
        // The members the root named answer the joiner's probes themselves.
        foreach (var named in new[] { "50", "60", "30" }) joiner.Answer(named);

        Assert.True(joiner.Node.IsReady);
        Assert.Equal(["50", "60"], Hex(joiner.Node.LeafSet.Clockwise));
        Assert.Equal(["40", "30"], Hex(joiner.Node.LeafSet.CounterClockwise));
        Assert.Equal(["44", "50"], Hex(root.Node.LeafSet.Clockwise));
        Assert.Equal(["30", "20"], Hex(root.Node.LeafSet.CounterClockwise));
        Assert.True(root.Node.Table.Contains(Id("60")), "the evicted member still serves as a routing-table entry");
        // The newcomer entered the root's leaf set: the root tells it what it knows.
        Assert.Single(root.SentTo<LeafSetInfo>("44"));
    }
}
