using ePost.Core.Ids;
using ePost.Overlay;
using ePost.Overlay.Join;
using ePost.Simulation.Network;

namespace ePost.Simulation.Tests.Faults;

public sealed class NetworkFaultTests
{
    private static readonly LatencyModel TenMs = new(TimeSpan.FromMilliseconds(10), TimeSpan.Zero);
    private static readonly Announce Hello = new(new NodeHandle(RingId.Zero, "sim:0", 1));

    private readonly EventQueue _clock = new();
    private readonly SimulatedNetwork _network;
    private readonly List<Receiver> _hosts = new();

    public NetworkFaultTests()
    {
        _network = new SimulatedNetwork(_clock, TenMs, new Random(1));
        for (var i = 0; i < 4; i++) _hosts.Add(new Receiver(_network));
    }

    private Receiver A => _hosts[0];
    private Receiver B => _hosts[1];
    private Receiver C => _hosts[2];
    private Receiver D => _hosts[3];

    private void Send(Receiver from, Receiver to)
    {
        from.Endpoint.Send(to.Endpoint.Address, Hello);
        _clock.RunFor(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Nodes_in_different_partition_groups_cannot_exchange_messages_and_nodes_in_one_group_can()
    {
        _network.Faults.Partition([[A.Index, B.Index]]);

        Send(A, B);
        Send(A, C);
        Send(C, A);
        Send(C, D);

        Assert.Equal((1, 0, 0, 1), (B.Count, A.Count, C.Count, D.Count));
        Assert.Equal(2, _network.MessagesBlocked);
    }

    [Fact]
    public void Healing_a_partition_lets_messages_through_again()
    {
        _network.Faults.Partition([[A.Index], [B.Index]]);
        Send(A, B);
        _network.Faults.Heal();
        Send(A, B);

        Assert.Equal(1, B.Count);
        Assert.False(_network.Faults.IsPartitioned);
    }

    [Fact]
    public void A_partition_that_starts_while_a_message_is_in_flight_stops_it()
    {
        A.Endpoint.Send(B.Endpoint.Address, Hello);
        _clock.RunFor(TimeSpan.FromMilliseconds(5));
        _network.Faults.Partition([[A.Index]]);
        _clock.RunFor(TimeSpan.FromSeconds(1));

        Assert.Equal(0, B.Count);
        Assert.Equal(1, _network.MessagesBlocked);
    }

    [Fact]
    public void A_message_stopped_at_send_time_is_not_revived_by_a_heal_before_it_would_have_arrived()
    {
        _network.Faults.Partition([[A.Index]]);
        A.Endpoint.Send(B.Endpoint.Address, Hello);
        _clock.RunFor(TimeSpan.FromMilliseconds(5));
        _network.Faults.Heal();
        _clock.RunFor(TimeSpan.FromSeconds(1));

        Assert.Equal(0, B.Count);
    }

    [Fact]
    public void Endpoints_attached_after_a_partition_join_the_rest_group()
    {
        _network.Faults.Partition([[A.Index]]);
        var late = new Receiver(_network);

        Send(B, late);
        Send(A, late);

        Assert.Equal(1, late.Count);
        Assert.Equal(0, _network.Faults.GroupOf(late.Index));
    }

    [Fact]
    public void An_endpoint_named_in_two_groups_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => _network.Faults.Partition([[A.Index, B.Index], [B.Index]]));
        Assert.Contains("two partition groups", error.Message);
    }

    [Fact]
    public void A_one_way_failure_blocks_one_direction_only()
    {
        _network.Faults.BlockOneWay(A.Index, B.Index);

        Send(A, B);
        Send(B, A);

        Assert.Equal((0, 1), (B.Count, A.Count));
    }

    [Fact]
    public void An_intransitive_failure_blocks_both_directions_while_both_still_reach_a_third_node()
    {
        _network.Faults.BlockBothWays(A.Index, B.Index);

        Send(A, B);
        Send(B, A);
        Send(A, C);
        Send(B, C);
        Send(C, A);
        Send(C, B);

        Assert.Equal((1, 1, 2), (A.Count, B.Count, C.Count));
        Assert.Equal(2, _network.MessagesBlocked);
    }

    [Fact]
    public void Unblocking_a_link_restores_it()
    {
        _network.Faults.BlockBothWays(A.Index, B.Index);
        _network.Faults.Unblock(A.Index, B.Index);

        Send(A, B);
        Send(B, A);

        Assert.Equal((1, 1), (A.Count, B.Count));
    }

    [Fact]
    public void Global_loss_drops_about_that_fraction_of_messages()
    {
        _network.Faults.LossProbability = 0.3;

        for (var i = 0; i < 2000; i++) A.Endpoint.Send(B.Endpoint.Address, Hello);
        _clock.RunFor(TimeSpan.FromSeconds(1));

        Assert.InRange(B.Count, 1300, 1500);
        Assert.Equal(2000 - B.Count, _network.MessagesDropped);
    }

    [Fact]
    public void Per_link_loss_affects_that_directed_link_only()
    {
        _network.Faults.SetLinkLoss(A.Index, B.Index, 1.0);

        for (var i = 0; i < 10; i++)
        {
            A.Endpoint.Send(B.Endpoint.Address, Hello);
            B.Endpoint.Send(A.Endpoint.Address, Hello);
            A.Endpoint.Send(C.Endpoint.Address, Hello);
        }
        _clock.RunFor(TimeSpan.FromSeconds(1));

        Assert.Equal((0, 10, 10), (B.Count, A.Count, C.Count));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void A_loss_probability_outside_zero_to_one_is_refused(double p)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _network.Faults.LossProbability = p);
        Assert.Throws<ArgumentOutOfRangeException>(() => _network.Faults.SetLinkLoss(A.Index, B.Index, p));
    }

    [Fact]
    public void Latency_spread_stretches_each_message_by_a_factor_between_one_and_one_plus_the_spread()
    {
        _network.Faults.LatencySpread = 2;
        var arrivals = new List<TimeSpan>();
        var timed = new Receiver(_network, () => arrivals.Add(_clock.Now));

        for (var i = 0; i < 500; i++) A.Endpoint.Send(timed.Endpoint.Address, Hello);
        _clock.RunFor(TimeSpan.FromSeconds(1));

        Assert.Equal(500, arrivals.Count);
        Assert.All(arrivals, t => Assert.InRange(t.TotalMilliseconds, 10, 30));
        Assert.True(arrivals.Distinct().Count() > 400, "the factor is drawn per message");
        Assert.InRange(arrivals.Average(t => t.TotalMilliseconds), 18, 22);
    }

    [Fact]
    public void The_same_seed_draws_the_same_losses_and_delays()
    {
        static List<(int, TimeSpan)> Run()
        {
            var clock = new EventQueue();
            var network = new SimulatedNetwork(clock, TenMs, new Random(9));
            network.Faults.LossProbability = 0.5;
            network.Faults.LatencySpread = 1;
            var got = new List<(int, TimeSpan)>();
            var a = network.Attach(_ => { });
            var b = network.Attach(m => got.Add((int.Parse(((Announce)m).From.Address[4..]), clock.Now)));
            for (var i = 0; i < 200; i++) a.Send(b.Address, new Announce(new NodeHandle(RingId.Zero, "sim:" + i, 1)));
            clock.RunFor(TimeSpan.FromSeconds(1));
            return got;
        }

        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void Without_random_faults_positions_are_the_ones_drawn_before_faults_existed()
    {
        var plain = new Random(1);
        var expected = ((float)plain.NextDouble(), (float)plain.NextDouble());

        Assert.Equal(expected, A.Endpoint.Position);
    }

    [Fact]
    public void Messages_are_counted_by_kind()
    {
        Send(A, B);
        Send(A, B);

        Assert.Equal(2, _network.SentByKind[typeof(Announce)]);
    }

    private sealed class Receiver
    {
        public Receiver(SimulatedNetwork network, Action? onReceive = null) =>
            Endpoint = network.Attach(_ =>
            {
                Count++;
                onReceive?.Invoke();
            });

        public SimulatedNetwork.Endpoint Endpoint { get; }

        public int Index => Endpoint.Index;

        public int Count { get; private set; }
    }
}
