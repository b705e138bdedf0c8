using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using ePost.Core.Ids;
using ePost.Core.Wire;
using ePost.Node.Hosting;
using ePost.Overlay;
using ePost.Overlay.Liveness;
using ePost.Overlay.Node;

namespace ePost.Node.Tests;

/// <summary>What a node does with traffic from peers that are broken or hostile: drop it, count it, keep serving.</summary>
[Collection(HeavyTests.Name)]
public sealed class MalformedPeerTests
{
    [Fact]
    public async Task Bytes_that_do_not_parse_as_overlay_messages_are_dropped_and_the_node_keeps_serving()
    {
        await using var ring = new LocalRing();
        var node = await ring.AddAsync();
        var (credential, trust) = TestRingCa.Member();
        var attacker = RingTransport.CreateSystem("epost", NodeConfig.Build(ConfigurationFactory.ParseString("""
            epost.node.port = 0
            akka.loglevel = ERROR
            akka.actor.serializers.forger = "ePost.Node.Tests.ForgingSerializer, ePost.Node.Tests"
            akka.actor.serialization-bindings { "ePost.Node.Tests.Forged, ePost.Node.Tests" = forger }
            """)), credential, trust);
        try
        {
            var target = attacker.ActorSelection(node.Address + "/user/node/overlay");
            foreach (var body in ForgingSerializer.Bodies) target.Tell(new Forged(body));
            // An id of the wrong length and an unknown manifest, through the real overlay serializer's reader.
            var stillServing = await StatusAfter(node);
            Assert.True(stillServing.Ready);
        }
        finally { await attacker.Terminate(); }
    }

    [Fact]
    public async Task Well_formed_messages_from_impostors_and_strangers_are_dropped_and_counted()
    {
        await using var ring = new LocalRing();
        var node = await ring.AddAsync();
        var before = await node.StatusAsync();
        // A certified member that lies in well-formed messages (strangers without a certificate do not get this far: RingTlsTests).
        var (credential, trust) = TestRingCa.Member();
        var stranger = RingTransport.CreateSystem("epost", NodeConfig.Build(ConfigurationFactory.ParseString("epost.node.port = 0\nakka.loglevel = ERROR")), credential, trust);
        try
        {
            var target = stranger.ActorSelection(node.Address + "/user/node/overlay");
            var self = before.Self;
            // Claims the node's own id from another address.
            target.Tell(new Probe(self with { Address = "akka.tcp://epost@10.9.9.9:1" }, 1, []));
            // An address that is not an Akka address, a negative epoch, and an oversized leaf set.
            target.Tell(new Probe(new NodeHandle(RingId.Random(new Random(1)), "not an address", 1), 2, []));
            target.Tell(new Probe(new NodeHandle(RingId.Random(new Random(2)), "akka.tcp://epost@127.0.0.1:9", -5), 3, []));
            var many = Enumerable.Range(0, 500).Select(i => new NodeHandle(RingId.Random(new Random(i)), "akka.tcp://epost@127.0.0.1:9", 1)).ToArray();
            target.Tell(new Probe(new NodeHandle(RingId.Random(new Random(3)), "akka.tcp://epost@127.0.0.1:9", 1), 4, many));

            await Eventually.True(async () => (await node.StatusAsync()).Dropped >= before.Dropped + 4, TimeSpan.FromSeconds(10),
                "the malformed probes were not all dropped");
            var after = await node.StatusAsync();
            Assert.True(after.Ready);
            Assert.Empty(after.Clockwise);
            Assert.Empty(after.CounterClockwise);
        }
        finally { await stranger.Terminate(); }
    }

    private static async Task<NodeStatus> StatusAfter(NodeHost node)
    {
        // Messages from one sender arrive in order, so a status asked afterwards proves the node survived them.
        await Task.Yield();
        return await node.StatusAsync(TimeSpan.FromSeconds(10));
    }
}

/// <summary>A test-only message whose bytes are written verbatim under the overlay's serializer id.</summary>
public sealed record Forged(string Body);

/// <summary>Writes <see cref="Forged"/> bodies as if they were overlay messages (serializer 1001, manifest "prb").</summary>
public sealed class ForgingSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Bodies that the overlay serializer must refuse.</summary>
    public static readonly string[] Bodies =
    [
        "{not json",
        """{"From":{"Id":"0123","Address":"akka.tcp://epost@127.0.0.1:1","Epoch":1},"Nonce":1,"LeafSet":[]}""",
        """{"From":null,"Nonce":1,"LeafSet":[]}""",
        "",
    ];

    public override int Identifier => 1001;
    public override string Manifest(object o) => "prb";
    public override byte[] ToBinary(object obj) => Encoding.UTF8.GetBytes(((Forged)obj).Body);
    public override object FromBinary(byte[] bytes, string manifest) => throw new SerializationException("write-only");
}
