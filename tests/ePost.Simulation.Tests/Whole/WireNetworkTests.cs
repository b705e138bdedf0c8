using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using ePost.Core.Ids;
using ePost.Overlay;
using ePost.Overlay.Liveness;
using ePost.Overlay.Node;
using ePost.Simulation.Network;
using ePost.Simulation.Whole;

namespace ePost.Simulation.Tests.Whole;

/// <summary>The whole simulation's network: it carries bytes written by the wire serializers, on virtual time, with faults.</summary>
public sealed class WireNetworkTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("wire", ConfigurationFactory.ParseString("""
        akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
        akka.loglevel = ERROR
        """).WithFallback(OverlaySettings.DefaultConfig));

    private readonly ConcurrentQueue<object> _received = new();

    private TestScheduler Scheduler => (TestScheduler)_system.Scheduler;

    private (WireNetwork Network, Overlay.Network.IPeerNetwork From) Pair(int seed = 1)
    {
        var network = new WireNetwork(_system, LatencyModel.Default, new Random(seed));
        var from = network.Connect(0, _system.ActorOf(Props.Create(() => new Collector(new ConcurrentQueue<object>()))), SenderId);
        network.Connect(1, _system.ActorOf(Props.Create(() => new Collector(_received))), RingId.Random(new Random(4)));
        return (network, from);
    }

    private static readonly RingId SenderId = RingId.Random(new Random(3));

    private static Probe AProbe() =>
        new(new NodeHandle(SenderId, WireNetwork.AddressOf(0), 2), 42, [new NodeHandle(RingId.Random(new Random(4)), WireNetwork.AddressOf(1), 1)]);

    private List<object> ArrivedAfter(TimeSpan span)
    {
        Scheduler.Advance(span);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        // Delivery to the collector actor is asynchronous once the scheduler released the message.
        while (_received.IsEmpty && DateTime.UtcNow < deadline) Thread.Yield();
        return _received.ToList();
    }

    [Fact]
    public void A_message_arrives_as_a_new_object_read_from_its_serialized_bytes_after_its_latency()
    {
        var (network, from) = Pair();
        var probe = AProbe();

        from.Send(WireNetwork.AddressOf(1), probe);

        Assert.Empty(_received);
        var arrived = Assert.Single(ArrivedAfter(TimeSpan.FromSeconds(1)));
        // With the sender the network proves, as the authenticated transport does for Akka.Remote.
        var delivery = Assert.IsType<PeerDelivery>(arrived);
        Assert.Equal(new Overlay.Network.AuthenticatedPeer(WireNetwork.AddressOf(0), SenderId), delivery.From);
        var copy = Assert.IsType<Probe>(delivery.Message);
        Assert.NotSame(probe, copy);
        Assert.Equal((probe.From, probe.Nonce), (copy.From, copy.Nonce));
        Assert.Equal(probe.LeafSet, copy.LeafSet);
        Assert.True(network.BytesSent > 0);
        Assert.Equal(0, network.Unreadable);
    }

    [Fact]
    public void A_detached_node_receives_nothing_even_of_what_was_already_in_flight()
    {
        var (network, from) = Pair();
        from.Send(WireNetwork.AddressOf(1), AProbe());

        network.Detach(1);
        Scheduler.Advance(TimeSpan.FromSeconds(1));
        from.Send(WireNetwork.AddressOf(1), AProbe());
        Scheduler.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(2, network.Unreachable);
        Assert.Empty(_received);
    }

    [Fact]
    public void Duplication_delivers_a_second_copy_and_a_partition_stops_both()
    {
        var (network, from) = Pair();
        network.DuplicateProbability = 1;
        from.Send(WireNetwork.AddressOf(1), AProbe());
        Assert.Equal(1, network.Duplicated);
        Scheduler.Advance(TimeSpan.FromSeconds(1));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (_received.Count < 2 && DateTime.UtcNow < deadline) Thread.Yield();
        Assert.Equal(2, _received.Count);

        network.Faults.Partition([[0], [1]]);
        from.Send(WireNetwork.AddressOf(1), AProbe());
        Scheduler.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, network.Blocked);
    }

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    private sealed class Collector : ReceiveActor
    {
        public Collector(ConcurrentQueue<object> received) => ReceiveAny(received.Enqueue);
    }
}
