using ePost.Core.Ids;
using ePost.Overlay;
using ePost.Overlay.Join;
using ePost.Overlay.Network;
using ePost.Simulation.Network;

namespace ePost.Simulation.Tests.Network;

public sealed class SimulatedNetworkTests
{
    private static readonly LatencyModel TenMs = new(TimeSpan.FromMilliseconds(10), TimeSpan.Zero);
    private static readonly Announce Hello = new(new NodeHandle(RingId.Zero, "sim:0", 1));

    private readonly EventQueue _clock = new();
    private readonly SimulatedNetwork _network;

    public SimulatedNetworkTests() => _network = new SimulatedNetwork(_clock, TenMs, new Random(1));

    [Fact]
    public void A_message_arrives_after_the_modelled_latency()
    {
        var received = new List<(TimeSpan At, IOverlayMessage Message)>();
        var a = _network.Attach(_ => { });
        var b = _network.Attach(m => received.Add((_clock.Now, m)));

        a.Send(b.Address, Hello);
        _clock.RunFor(TimeSpan.FromMilliseconds(9));
        Assert.Empty(received);
        _clock.RunFor(TimeSpan.FromMilliseconds(1));

        Assert.Equal((TimeSpan.FromMilliseconds(10), (IOverlayMessage)Hello), Assert.Single(received));
        Assert.Equal((1L, 0L), (_network.MessagesSent, _network.MessagesLost));
    }

    [Fact]
    public void A_message_arrives_with_its_true_sender_as_an_authenticated_transport_proves_it()
    {
        var senders = new List<AuthenticatedPeer>();
        var a = _network.Attach(_ => { });
        a.Node = RingId.Max;
        var anonymous = _network.Attach(_ => { });
        var b = _network.Attach((_, from) => senders.Add(from));

        // Whatever a message claims, the receiver learns the endpoint it came from and the node attached there.
        a.Send(b.Address, new Announce(new NodeHandle(RingId.Zero, anonymous.Address, 7)));
        anonymous.Send(b.Address, Hello);
        _clock.RunFor(TimeSpan.FromMilliseconds(10));

        Assert.Equal([new AuthenticatedPeer(a.Address, RingId.Max), new AuthenticatedPeer(anonymous.Address, null)], senders);
    }

    [Fact]
    public void A_message_to_a_detached_endpoint_is_lost()
    {
        var received = 0;
        var a = _network.Attach(_ => { });
        var b = _network.Attach(_ => received++);
        _network.Detach(b);

        a.Send(b.Address, Hello);
        _clock.RunFor(TimeSpan.FromSeconds(1));

        Assert.Equal(0, received);
        Assert.Equal(1, _network.MessagesLost);
    }

    [Fact]
    public void A_message_in_flight_to_a_host_that_crashes_is_lost()
    {
        var received = 0;
        var a = _network.Attach(_ => { });
        var b = _network.Attach(_ => received++);

        a.Send(b.Address, Hello);
        _clock.RunFor(TimeSpan.FromMilliseconds(5));
        _network.Detach(b);
        _clock.RunFor(TimeSpan.FromSeconds(1));

        Assert.Equal(0, received);
        Assert.Equal(1, _network.MessagesLost);
    }

    [Fact]
    public void A_message_in_flight_to_the_old_incarnation_does_not_reach_the_restarted_one()
    {
        var old = 0;
        var restarted = 0;
        var a = _network.Attach(_ => { });
        var b = _network.Attach(_ => old++);

        a.Send(b.Address, Hello);
        _network.Detach(b);
        var b2 = _network.Reattach(b, (_, _) => restarted++);
        _clock.RunFor(TimeSpan.FromSeconds(1));
        a.Send(b2.Address, Hello);
        _clock.RunFor(TimeSpan.FromSeconds(1));

        Assert.Equal(b.Address, b2.Address);
        Assert.Equal((0, 1), (old, restarted));
        Assert.Equal(1, _network.MessagesLost);
    }

    [Theory]
    [InlineData("sim:99")]
    [InlineData("sim:-1")]
    [InlineData("akka.tcp://epost@10.0.0.1:4000")]
    [InlineData("")]
    public void A_message_to_an_address_nobody_holds_is_lost(string address)
    {
        var a = _network.Attach(_ => { });

        a.Send(address, Hello);
        _clock.RunFor(TimeSpan.FromSeconds(1));

        Assert.Equal(1, _network.MessagesLost);
    }

    [Theory]
    [InlineData("sim:0", true)]
    [InlineData("sim:12345", true)]
    [InlineData("sim:", false)]
    [InlineData("sim:-1", false)]
    [InlineData("sim: 1", false)]
    [InlineData("sim:1x", false)]
    [InlineData("tcp:1", false)]
    public void Addresses_are_sim_colon_and_a_number(string address, bool valid) =>
        Assert.Equal(valid, _network.Attach(_ => { }).IsValidAddress(address));

    [Fact]
    public void Latency_grows_with_distance_and_is_symmetric()
    {
        var model = LatencyModel.Default;

        Assert.Equal(TimeSpan.FromMilliseconds(1), model.Between((0.5f, 0.5f), (0.5f, 0.5f)));
        Assert.Equal(model.Between((0.1f, 0.2f), (0.9f, 0.7f)), model.Between((0.9f, 0.7f), (0.1f, 0.2f)));
        Assert.True(model.Between((0, 0), (1, 1)) > model.Between((0, 0), (0.5f, 0.5f)));
    }
}
