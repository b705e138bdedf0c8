using System.Runtime.Serialization;
using System.Text;
using Akka.Configuration;
using ePost.Core.Ids;
using ePost.Overlay.Join;
using ePost.Overlay.Liveness;
using ePost.Overlay.Node;
using ePost.Overlay.Routing;
using ePost.Overlay.Wire;
using static ePost.Overlay.Tests.Support.Ids;

namespace ePost.Overlay.Tests.Wire;

public sealed class OverlaySerializerTests() : Akka.TestKit.Xunit2.TestKit(
    ConfigurationFactory.ParseString("akka.actor.serialization-settings.allow-unregistered-types = off")
        .WithFallback(OverlaySettings.DefaultConfig))
{
    private static readonly NodeHandle A = Handle("a1", epoch: 3);
    private static readonly NodeHandle B = Handle("b2");
    private static readonly NodeHandle C = new(Id("c3"), "fake:c3", long.MaxValue);
    private static readonly RingId Key = RingId.Random(new Random(4));

    private static readonly IOverlayMessage[] Samples =
    [
        new JoinRequest(A, B, 3, [B, C]),
        new JoinAccepted(A, [B, C], [C]),
        new JoinRejected(A, "node is busy", Retry: true),
        new Announce(A),
        new Probe(A, 42, [B, C]),
        new ProbeReply(A, 42, []),
        new LeafSetInfo(A, [B]),
        new HopAck(A, 77),
        new Relayed(A, B, A with { Id = RingId.Max }, new Probe(A, 3, [B])),
        new RouteMessage(Key, A, B, new LookupProbe(9), 4),
        new DirectMessage(A, new Announce(B)),
        new LookupProbe(9),
        new LookupReply(A, Key, 9, 3),
        new RowRequest(A, 2),
        new RowReply(A, 2, [B, C]),
        GetNodeStatus.Instance,
        new NodeStatus(A, true, [B], [C], 10, 3, 100, 90, 1),
        new ClientRequest(new LookupProbe(5)),
    ];

    public static TheoryData<int> SampleIndexes => new(Enumerable.Range(0, Samples.Length));

    private OverlaySerializer Serializer => (OverlaySerializer)Sys.Serialization.FindSerializerForType(typeof(Announce));

    [Fact]
    public void The_samples_cover_every_message_of_the_protocol() =>
        Assert.Equal(OverlaySerializer.Protocol.Messages.Select(m => m.Value).OrderBy(t => t.Name),
            Samples.Select(s => s.GetType()).OrderBy(t => t.Name));

    [Theory]
    [MemberData(nameof(SampleIndexes))]
    public void Every_overlay_message_round_trips_through_the_actor_system(int index)
    {
        var message = Samples[index];
        var serializer = Sys.Serialization.FindSerializerFor(message);
        Assert.IsType<OverlaySerializer>(serializer);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        var bytes = serializer.ToBinary(message);

        var back = Sys.Serialization.Deserialize(bytes, serializer.Identifier, manifest);

        Assert.IsType(message.GetType(), back);
        Assert.Equal(Encoding.UTF8.GetString(bytes), Encoding.UTF8.GetString(serializer.ToBinary(back)));
    }

    [Fact]
    public void Handles_ids_and_nested_payloads_survive_the_trip()
    {
        var message = Samples.OfType<RouteMessage>().Single();
        var back = (RouteMessage)Serializer.FromBinary(Serializer.ToBinary(message), "rt");

        Assert.Equal(message.Key, back.Key);
        Assert.Equal(A, back.Origin);
        Assert.Equal(B, back.Sender);
        Assert.Equal(new LookupProbe(9), back.Payload);
        Assert.Equal(4, back.Hops);

        var probe = (Probe)Serializer.FromBinary(Serializer.ToBinary(Samples.OfType<Probe>().Single()), "prb");
        Assert.Equal([B, C], probe.LeafSet);
    }

    private string AnnounceJson() => Encoding.UTF8.GetString(Serializer.ToBinary(new Announce(A)));

    [Fact]
    public void An_id_of_38_hex_digits_is_a_serialization_exception()
    {
        var json = AnnounceJson().Replace(A.Id.ToString(), A.Id.ToString()[..38]);

        Assert.Throws<SerializationException>(() => Serializer.FromBinary(Encoding.UTF8.GetBytes(json), "ann"));
    }

    [Fact]
    public void A_missing_field_is_a_serialization_exception()
    {
        var json = AnnounceJson().Replace(",\"Epoch\":3", "");
        Assert.DoesNotContain("Epoch", json);

        Assert.Throws<SerializationException>(() => Serializer.FromBinary(Encoding.UTF8.GetBytes(json), "ann"));
    }

    [Fact]
    public void An_unknown_manifest_is_a_serialization_exception() =>
        Assert.Throws<SerializationException>(() => Serializer.FromBinary(Encoding.UTF8.GetBytes(AnnounceJson()), "no-such"));

    [Fact]
    public void The_unmodified_json_reads_back()
    {
        // A control for the malformed cases above: they fail because of their one defect.
        Assert.Equal(new Announce(A), Serializer.FromBinary(Encoding.UTF8.GetBytes(AnnounceJson()), "ann"));
    }
}
