using System.Collections.Concurrent;
using Akka.Actor;
using ePost.Core.Ids;
using ePost.Core.Wire;
using ePost.Overlay.Node;

namespace ePost.Node.Tests;

/// <summary>An application payload for these tests, carried inside overlay messages.</summary>
public sealed record Parcel(RingId Key, string Text) : IWireMessage;

/// <summary>The test application's wire protocol.</summary>
public sealed class ParcelSerializer(ExtendedActorSystem system) : WireSerializer(system, Protocol)
{
    /// <summary>Serializer id and manifest.</summary>
    public static readonly WireProtocol Protocol = new WireProtocol(9201, "parcel").Add<Parcel>("parcel");
}

/// <summary>Applications registered on a ring node receive what is routed to keys the node owns, and direct sends.</summary>
[Collection(HeavyTests.Name)]
public sealed class ApplicationDeliveryTests
{
    private const string ParcelBinding = """
        akka.actor.serializers.parcel = "ePost.Node.Tests.ParcelSerializer, ePost.Node.Tests"
        akka.actor.serialization-bindings { "ePost.Node.Tests.Parcel, ePost.Node.Tests" = parcel }
        """;

    [Fact]
    public async Task Routed_payloads_reach_the_application_on_the_key_root_exactly_once_and_direct_sends_reach_their_target()
    {
        await using var ring = new LocalRing();
        var received = new ConcurrentQueue<(RingId At, object Envelope)>();
        for (var i = 0; i < 6; i++)
        {
            var node = await ring.AddAsync(ParcelBinding);
            var app = node.System.ActorOf(Props.Create(() => new Collector(node.Identity.Id, received)));
            node.Overlay.Tell(new RegisterApplication(typeof(Parcel), app));
        }
        await Eventually.True(async () => await ring.WrongLeafSetsAsync() == 0, TimeSpan.FromSeconds(60), "ring did not converge", ring.DescribeWrongLeafSetsAsync);

        var random = new Random(5);
        var parcels = Enumerable.Range(0, 60).Select(i => new Parcel(RingId.Random(random), $"parcel {i} ü")).ToList();
        foreach (var p in parcels) ring.Nodes[random.Next(ring.Nodes.Count)].Overlay.Tell(new RouteTo(p.Key, p));

        await Eventually.True(() => Task.FromResult(received.Count >= parcels.Count), TimeSpan.FromSeconds(20), "not every parcel arrived");
        var routed = received.Where(r => r.Envelope is Delivered).Select(r => (r.At, Delivered: (Delivered)r.Envelope)).ToList();
        Assert.Equal(parcels.Count, routed.Count);
        foreach (var p in parcels)
        {
            var arrival = Assert.Single(routed, r => r.Delivered.Key == p.Key);
            Assert.Equal(p, arrival.Delivered.Payload);
            Assert.Equal(ring.TrueRoot(p.Key), arrival.At);
        }

        var target = await ring.Nodes[4].StatusAsync();
        var direct = new Parcel(RingId.Zero, "straight to node 4");
        ring.Nodes[1].Overlay.Tell(new SendTo(target.Self, direct));
        await Eventually.True(() => Task.FromResult(received.Any(r => r.Envelope is DirectDelivered)), TimeSpan.FromSeconds(10), "the direct send did not arrive");
        var sent = received.Single(r => r.Envelope is DirectDelivered);
        Assert.Equal(target.Self.Id, sent.At);
        Assert.Equal(direct, ((DirectDelivered)sent.Envelope).Payload);
        Assert.Equal(ring.Nodes[1].Identity.Id, ((DirectDelivered)sent.Envelope).From.Id);
    }

    private sealed class Collector : ReceiveActor
    {
        public Collector(RingId at, ConcurrentQueue<(RingId, object)> received) =>
            ReceiveAny(m => received.Enqueue((at, m)));
    }
}
