using ePost.Core.Ids;
using ePost.Overlay.Join;
using ePost.Overlay.Liveness;
using ePost.Overlay.Network;
using ePost.Overlay.Node;
using ePost.Overlay.Routing;
using static ePost.Overlay.Tests.Support.Ids;

namespace ePost.Overlay.Tests.Node;

/// <summary>
/// Malformed, unexpected and hostile messages: each is dropped and counted, never thrown, never answered, and the
/// node's tables stay exactly as they were.
/// </summary>
public sealed class PastryNodeBadInputTests
{
    private static readonly RingId OwnId = Id("40");
    // A certified member we have not met: the transport proved its id, which says nothing about its messages.
    private static readonly NodeHandle Stranger = Handle("77");
    private static readonly OverlaySettings Settings = OverlaySettings.Default;

    private static NodeHandle[] ManyHandles(int count) =>
        Enumerable.Range(1, count).Select(i => Handle(RingId.FromFraction(i, count + 1))).ToArray();

    /// <summary>The peer as the transport proved it: the address a malformed handle names, with the id it claims.</summary>
    private static AuthenticatedPeer As(NodeHandle claimed) => new(claimed.Address ?? "", claimed.Id);

    private static readonly AuthenticatedPeer FromStranger = As(Stranger);

    private static readonly Dictionary<string, (IOverlayMessage Message, AuthenticatedPeer From)> Cases = new()
    {
        ["a handle at an address of another network"] = (new Probe(new NodeHandle(Id("77"), "udp:10.0.0.7", 1), 1, []), As(new NodeHandle(Id("77"), "udp:10.0.0.7", 1))),
        ["a handle with a negative epoch"] = (new Probe(Handle("77", epoch: -1), 1, []), FromStranger),
        ["a handle with an empty address"] = (new Probe(new NodeHandle(Id("77"), "", 1), 1, []), As(new NodeHandle(Id("77"), "", 1))),
        ["a handle with an oversized address"] = (new Probe(new NodeHandle(Id("77"), "fake:" + new string('a', 600), 1), 1, []), As(new NodeHandle(Id("77"), "fake:" + new string('a', 600), 1))),
        ["a handle with no address"] = (new Probe(new NodeHandle(Id("77"), null!, 1), 1, []), FromStranger),
        ["no sender at all"] = (new Probe(null!, 1, []), FromStranger),
        ["no leaf set"] = (new Probe(Stranger, 1, null!), FromStranger),
        ["an oversized leaf set"] = (new Probe(Stranger, 1, ManyHandles(2 * Settings.LeafSetSize + 2)), FromStranger),
        ["a leaf set naming a malformed handle"] = (new LeafSetInfo(Stranger, [Handle("78"), Handle("79", epoch: -5)]), FromStranger),
        ["an impostor of our id at another address"] = (new Probe(new NodeHandle(OwnId, "fake:evil", 1), 1, []), As(new NodeHandle(OwnId, "fake:evil", 1))),
        ["an older incarnation of ourselves"] = (new Announce(new NodeHandle(OwnId, "fake:40", 0)), As(new NodeHandle(OwnId, "fake:40", 0))),
        ["a leaf set naming an impostor of our id"] = (new LeafSetInfo(Stranger, [new NodeHandle(OwnId, "fake:evil", 1)]), FromStranger),
        ["a probe reply from a node never probed"] = (new ProbeReply(Stranger, 1, []), FromStranger),
        ["an announcement from a malformed handle"] = (new Announce(Handle("77", epoch: -1)), FromStranger),
        ["a routed message without a payload"] = (new RouteMessage(Id("78"), Stranger, Stranger, null!, 1), FromStranger),
        ["a routed message from a malformed origin"] = (new RouteMessage(Id("78"), new NodeHandle(Id("77"), "", 1), Stranger, "x", 1), FromStranger),
        ["a routed message beyond the hop limit"] = (new RouteMessage(Id("78"), Stranger, Stranger, "x", Settings.MaxHops + 1), FromStranger),
        ["a direct message without a payload"] = (new DirectMessage(Stranger, null!), FromStranger),
        ["a lookup reply from a malformed root"] = (new LookupReply(Handle("77", epoch: -1), Id("78"), 1, 2), FromStranger),
        ["a join request beyond the hop limit"] = (new JoinRequest(Handle("78"), Stranger, Settings.MaxHops + 1, []), FromStranger),
        ["a join request carrying too many handles"] = (new JoinRequest(Handle("78"), Stranger, 1, ManyHandles(Settings.JoinMaxHandles + 1)), FromStranger),
        ["a join request carrying a malformed handle"] = (new JoinRequest(Handle("78"), Stranger, 1, [new NodeHandle(Id("79"), "bad", 1)]), FromStranger),
        ["a join request from a malformed joiner"] = (new JoinRequest(new NodeHandle(Id("78"), "bad", 1), Stranger, 0, []), FromStranger),
        ["a join request without a learned list"] = (new JoinRequest(Handle("78"), Stranger, 0, null!), FromStranger),
        ["a join acceptance nobody asked for"] = (new JoinAccepted(Stranger, [Handle("78")], [Handle("79")]), FromStranger),
        ["a join rejection nobody asked for"] = (new JoinRejected(Stranger, "go away", Retry: false), FromStranger),
        ["a row request for row -1"] = (new RowRequest(Stranger, -1), FromStranger),
        ["a row request beyond the last row"] = (new RowRequest(Stranger, 40), FromStranger),
        ["a row reply larger than a row"] = (new RowReply(Stranger, 1, ManyHandles(18)), FromStranger),
        ["a status query sent as a peer message"] = (GetNodeStatus.Instance, FromStranger),
        // Sender-claiming handles must be the peer the transport proved.
        ["a probe in a neighbour's name with a higher epoch"] = (new Probe(new NodeHandle(Id("41"), "fake:77", 2), 1, []), FromStranger),
        ["a probe in a neighbour's exact name"] = (new Probe(Handle("41"), 1, []), FromStranger),
        ["a leaf set in a neighbour's name"] = (new LeafSetInfo(Handle("41"), [Handle("43")]), FromStranger),
        ["an announcement in another node's name"] = (new Announce(Handle("78")), FromStranger),
        ["a routed message whose previous hop is another node"] = (new RouteMessage(Id("40"), Stranger, Handle("c0"), "x", 1), FromStranger),
        ["a direct message in a neighbour's name"] = (new DirectMessage(Handle("41"), "x"), FromStranger),
        ["a lookup reply in another root's name"] = (new LookupReply(Handle("c0"), Id("c1"), 1, 2), FromStranger),
        ["a hop acknowledgement in a neighbour's name"] = (new HopAck(Handle("41"), 1), FromStranger),
        ["a row reply in a neighbour's name"] = (new RowReply(Handle("41"), 1, [Handle("45")]), FromStranger),
        ["a first-hop join whose sender has the joiner's id and another handle"] = (new JoinRequest(Handle("78"), new NodeHandle(Id("78"), "fake:77", 1), 0, []), new AuthenticatedPeer("fake:77", Id("78"))),
        ["a relayed probe whose inner sender is not its origin"] = (new Relayed(Stranger, Handle("41"), new NodeHandle(OwnId, "fake:40", 1), new Probe(Handle("c0"), 1, [])), As(Handle("41"))),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Is_dropped_and_counted_with_the_tables_unchanged(string name)
    {
        var t = new NodeUnderTest("40").ReadyWith("41", "42", "c0");
        var tables = t.Tables();

        t.Receive(Cases[name].Message, Cases[name].From);

        Assert.Equal(1, t.Node.Counters.Dropped);
        Assert.IsType<MessageDropped>(Assert.Single(t.Host.Events));
        Assert.Empty(t.Network.Sent);
        Assert.Equal(tables, t.Tables());
        Assert.Empty(t.Host.Delivered);
        Assert.Empty(t.Host.DeliveredDirect);
        Assert.Empty(t.Host.Lookups);
        Assert.True(t.Node.IsReady);
    }

    [Fact]
    public void The_test_cases_are_well_formed_apart_from_their_one_defect()
    {
        // A control: the same kinds of message from a member speaking in its own name are accepted, not dropped.
        var t = new NodeUnderTest("40").ReadyWith("41", "42", "c0");

        t.Receive(new Probe(Stranger, 1, ManyHandles(2 * Settings.LeafSetSize + 1)), from: Stranger);
        t.Receive(new JoinRequest(Handle("78"), Stranger, Settings.MaxHops, ManyHandles(Settings.JoinMaxHandles)), from: Stranger);
        t.Receive(new RouteMessage(Id("40"), Stranger, Stranger, "x", Settings.MaxHops), from: Stranger);
        t.Receive(new RowRequest(Stranger, 39), from: Stranger);
        t.Receive(new RowReply(Stranger, 1, ManyHandles(17)), from: Stranger);
        t.Receive(new JoinRequest(Handle("78"), Handle("78"), 0, []), from: "78");

        Assert.Equal(0, t.Node.Counters.Dropped);
        Assert.Equal(0, t.Node.Counters.ForgedSender);
        Assert.Single(t.Host.Delivered);
    }

    [Fact]
    public void A_join_with_our_own_id_from_another_address_is_refused_for_good()
    {
        var t = new NodeUnderTest("40").ReadyWith("41", "c0");
        var tables = t.Tables();
        var impostor = new NodeHandle(OwnId, "fake:other", 1);

        t.Receive(new JoinRequest(impostor, impostor, 0, []), from: impostor);

        var (to, rejection) = Assert.Single(t.Sent<JoinRejected>());
        Assert.Equal("fake:other", to);
        Assert.False(rejection.Retry);
        Assert.Equal(t.Self, rejection.From);
        Assert.Single(t.Network.Sent);
        Assert.Equal(1, t.Node.Counters.JoinsRejected);
        Assert.Equal(tables, t.Tables());
    }

    [Fact]
    public void A_stopping_node_refuses_joins_but_asks_the_joiner_to_retry()
    {
        var t = new NodeUnderTest("40").ReadyWith("41", "c0");
        t.Node.Stop();

        t.Receive(new JoinRequest(Handle("48"), Handle("48"), 0, []), from: "48");

        var (to, rejection) = Assert.Single(t.Sent<JoinRejected>());
        Assert.Equal("fake:48", to);
        Assert.True(rejection.Retry);
        Assert.True(t.Node.IsStopping);
        Assert.Empty(t.Sent<JoinAccepted>());
        Assert.Equal(1, t.Node.Counters.JoinsRejected);
    }

    [Fact]
    public void A_node_still_joining_refuses_joins_but_asks_the_joiner_to_retry()
    {
        var t = new NodeUnderTest("40");
        t.Node.Start(["fake:c0"]);
        t.Network.Sent.Clear();

        t.Receive(new JoinRequest(Handle("48"), Handle("48"), 0, []), from: "48");

        var (to, rejection) = Assert.Single(t.Sent<JoinRejected>());
        Assert.Equal("fake:48", to);
        Assert.True(rejection.Retry);
        Assert.False(t.Knows("48"));
    }

    [Fact]
    public void A_join_flood_beyond_the_rate_limit_is_turned_away_busy_while_probes_are_still_served()
    {
        var t = new NodeUnderTest("40", "epost.overlay.join.max-per-second = 5").ReadyWith("41", "c0");

        for (var i = 0; i < 8; i++)
        {
            var joiner = Handle("5" + i);
            t.Receive(new JoinRequest(joiner, joiner, 0, []), from: joiner);
        }
        t.Receive(new Probe(Handle("41"), 99, []), from: "41");

        Assert.Equal(5, t.Sent<JoinAccepted>().Count + t.Sent<JoinRequest>().Count);
        var busy = t.Sent<JoinRejected>();
        Assert.Equal(3, busy.Count);
        Assert.All(busy, b => Assert.True(b.Message.Retry));
        Assert.All(busy, b => Assert.Contains("busy", b.Message.Reason));
        Assert.Equal(3, t.Node.Counters.JoinsRejected);
        Assert.Equal(99, Assert.Single(t.SentTo<ProbeReply>("41")).Nonce);

        // A second later the node takes joins again.
        t.Host.Now += TimeSpan.FromSeconds(1);
        t.Network.Sent.Clear();
        t.Receive(new JoinRequest(Handle("59"), Handle("59"), 0, []), from: "59");
        Assert.Empty(t.Sent<JoinRejected>());
    }

    [Fact]
    public void A_joining_node_drops_a_malformed_acceptance_and_keeps_waiting()
    {
        var t = new NodeUnderTest("41");
        t.Node.Start(["fake:40"]);

        var nonce = t.JoinNonce;

        t.Receive(new JoinAccepted(Handle("40"), [Handle("20"), new NodeHandle(Id("60"), "bad", 1)], [Handle("40")], nonce), from: "40");
        t.Receive(new JoinAccepted(Handle("40"), ManyHandles(2 * Settings.LeafSetSize + 2), [Handle("40")], nonce), from: "40");
        t.Receive(new JoinAccepted(new NodeHandle(Id("41"), "fake:evil", 1), [], [], nonce), from: new NodeHandle(Id("41"), "fake:evil", 1)); // a root claiming our id

        Assert.False(t.Node.IsReady);
        Assert.Equal(3, t.Node.Counters.Dropped);
        Assert.True(t.Node.LeafSet.IsEmpty);
        Assert.Contains(new JoinTimeout(0), t.Host.Timers.Keys);
    }
}
