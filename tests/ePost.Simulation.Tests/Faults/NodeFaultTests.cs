using ePost.Overlay.Node;
using ePost.Simulation.Faults;
using ePost.Simulation.Ring;
using ePost.Simulation.Tests.Ring;

namespace ePost.Simulation.Tests.Faults;

public sealed class NodeFaultTests
{
    [Fact]
    public void A_restarted_node_keeps_its_id_and_address_gets_the_next_epoch_and_rejoins_the_ring()
    {
        var ring = RingBuilder.Grow(30, seed: 11);
        Assert.True(ring.Converge(TimeSpan.FromMinutes(2)));
        var node = ring.Nodes[9];
        var (id, address) = (node.Id, node.Handle.Address);
        var oldEngine = node.Engine;

        ring.Crash(node);
        ring.Clock.RunFor(ring.Settings.WorstCaseDetection * 2 + TimeSpan.FromMinutes(1));
        ring.Restart(node, ring.RandomReadyNode());

        Assert.NotSame(oldEngine, node.Engine);
        Assert.Equal((id, address, 2L), (node.Id, node.Handle.Address, node.Epoch));
        Assert.True(ring.Converge(TimeSpan.FromMinutes(3)), $"{ring.CountWrongLeafSets()} leaf sets wrong after the restart");
        Assert.True(node.Engine.IsReady);
        var holders = ring.LiveNodes.Where(n => n.Engine.LeafSet.Contains(id)).ToList();
        Assert.NotEmpty(holders);
        Assert.All(holders, n => Assert.Equal(2L, n.Engine.LeafSet.Members.Single(m => m.Id == id).Epoch));
        var random = new Random(5);
        var outcomes = Enumerable.Range(0, 20).Select(_ => ring.Lookup(ring.RandomReadyNode(), ring.RandomKeyOwnedBy(node, random))).ToList();
        ring.Clock.RunFor(TimeSpan.FromSeconds(30));
        Assert.All(ring.CompletedLookups.Where(o => outcomes.Contains(o.RequestId)), o => Assert.Equal(id, o.ReachedRoot));
        Assert.Equal(20, ring.CompletedLookups.Count(o => outcomes.Contains(o.RequestId)));
    }

    [Fact]
    public void A_live_node_cannot_be_restarted()
    {
        var ring = RingBuilder.Grow(3, seed: 1);

        Assert.Throws<InvalidOperationException>(() => ring.Restart(ring.Nodes[1], ring.Nodes[0]));
    }

    [Fact]
    public void A_paused_node_handles_no_message_and_no_timer_until_it_resumes_with_its_state_intact()
    {
        var ring = RingBuilder.Grow(12, seed: 4);
        Assert.True(ring.Converge(TimeSpan.FromMinutes(2)));
        var node = ring.Nodes[5];
        var leafSet = node.Engine.LeafSet.Members.ToList();
        var (sent, received) = (node.Engine.Counters.Sent, node.Engine.Counters.Received);

        ring.Pause(node);
        ring.Clock.RunFor(TimeSpan.FromSeconds(40));

        // Its neighbours kept probing it (so messages arrived), yet it neither handled one nor sent on a timer.
        Assert.Equal((sent, received), (node.Engine.Counters.Sent, node.Engine.Counters.Received));
        Assert.Equal(leafSet, node.Engine.LeafSet.Members.ToList());
        Assert.Equal(11, ring.ActiveNodes.Count());

        ring.Resume(node);
        ring.Clock.RunFor(TimeSpan.Zero);
        Assert.True(node.Engine.Counters.Received > received, "buffered messages are handled on resume");
        Assert.True(node.Engine.Counters.Sent > sent, "overdue timers fire on resume");
    }

    [Fact]
    public void Messages_beyond_the_pause_buffer_are_dropped_and_counted()
    {
        var ring = RingBuilder.Grow(2, seed: 4);
        Assert.True(ring.Converge(TimeSpan.FromMinutes(1)));
        var (sender, sleeper) = (ring.Nodes[0], ring.Nodes[1]);
        ring.Pause(sleeper);

        for (var i = 0; i < SimulatedNode.PauseBufferLimit + 5; i++) sender.Engine.SendDirect(sleeper.Handle, i);
        ring.Clock.RunFor(TimeSpan.FromSeconds(1));

        Assert.True(sleeper.PauseOverflow >= 5);
    }

    [Fact]
    public void A_node_paused_for_two_minutes_is_declared_dead_and_on_waking_is_back_in_every_leaf_set_exactly_once()
    {
        var ring = RingBuilder.Grow(40, seed: 8);
        Assert.True(ring.Converge(TimeSpan.FromMinutes(2)));
        var sleeper = ring.Nodes[13];
        var declared = 0;
        ring.Events = (_, e) => declared += e is NodeDeclaredDead d && d.Node.Id == sleeper.Id ? 1 : 0;

        ring.Pause(sleeper);
        ring.Clock.RunFor(TimeSpan.FromMinutes(2));
        Assert.True(declared > 0, "nobody noticed the paused node");
        Assert.Equal(0, ring.CountWrongLeafSets());
        ring.Resume(sleeper);

        Assert.True(ring.Converge(TimeSpan.FromMinutes(5)), $"{ring.CountWrongLeafSets()} leaf sets wrong after waking");
        Assert.All(ring.LiveNodes, n =>
        {
            var members = n.Engine.LeafSet.Members.Select(m => m.Id).ToList();
            Assert.Equal(members.Count, members.Distinct().Count());
        });
    }

    [Fact]
    public void Wildly_different_clock_offsets_change_nothing()
    {
        var plain = Run(_ => NodeClock.Exact);
        var offsets = new Random(77);
        var skewed = Run(_ => new NodeClock(TimeSpan.FromDays(offsets.Next(-3650, 36500)) + TimeSpan.FromMilliseconds(offsets.Next(1000))));

        Assert.Equal(plain.Outcomes, skewed.Outcomes);
        Assert.Equal((plain.Messages, plain.Events, plain.DeadDeclared), (skewed.Messages, skewed.Events, skewed.DeadDeclared));
        Assert.True(plain.DeadDeclared > 0, "the run exercised failure detection");
    }

    [Fact]
    public void A_node_reads_its_own_clock()
    {
        var ring = RingBuilder.Grow(1, seed: 1);
        var node = ring.Nodes[0];
        node.Clock = new NodeClock(TimeSpan.FromDays(400), drift: 0.25);
        ring.Clock.RunFor(TimeSpan.FromSeconds(8));

        Assert.Equal(TimeSpan.FromDays(400) + TimeSpan.FromSeconds(10), node.Now);
    }

    [Fact]
    public void A_fast_clock_makes_a_delay_take_less_virtual_time()
    {
        var fast = new NodeClock(TimeSpan.Zero, drift: 0.25);

        Assert.Equal(TimeSpan.FromSeconds(8), fast.ToVirtual(TimeSpan.FromSeconds(10)));
        Assert.Equal(TimeSpan.FromSeconds(10), NodeClock.Exact.ToVirtual(TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [InlineData(-0.6)]
    [InlineData(0.6)]
    [InlineData(double.NaN)]
    public void An_implausible_drift_is_refused(double drift) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new NodeClock(TimeSpan.Zero, drift));

    private static (List<LookupOutcome> Outcomes, long Messages, long Events, int DeadDeclared) Run(Func<SimulatedNode, NodeClock> clock)
    {
        var ring = RingBuilder.Grow(40, seed: 21, configure: n => n.Clock = clock(n));
        var dead = 0;
        ring.Events = (_, e) => dead += e is NodeDeclaredDead ? 1 : 0;
        ring.Converge(TimeSpan.FromMinutes(2));
        ring.Crash(ring.Nodes[3]);
        ring.Pause(ring.Nodes[4]);
        ring.Clock.RunFor(TimeSpan.FromMinutes(1));
        ring.Resume(ring.Nodes[4]);
        ring.Clock.RunFor(TimeSpan.FromMinutes(1));
        var outcomes = ring.RunLookups(200, seed: 21);
        return (outcomes, ring.Network.MessagesSent, ring.Clock.Executed, dead);
    }
}
