using System.Buffers.Binary;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Configuration;
using ePost.Node.Hosting;
using ePost.Node.Identity;
using ePost.Overlay.Node;
using ePost.Storage.Replication;

namespace ePost.Node.Tests;

/// <summary>
/// Every association proves, before Akka reads a byte, which certified node is at the other end and at which address,
/// and Akka then gets only PDUs whose origin and sender paths are that address: real nodes over real Akka.Remote and
/// mutual TLS, attacked by certified members.
/// </summary>
[Collection(HeavyTests.Name)]
public sealed class PeerAuthTests
{
    private const string Quiet = "epost.node.port = 0\nakka.loglevel = ERROR\nepost.transport.addressable-paths = [\"/temp\"]";

    private static ActorSystem Member(LocalRing ring, string extra = "")
    {
        var (credential, trust) = TestRingCa.Member(ring.Ca);
        return RingTransport.CreateSystem("epost", NodeConfig.Build(ConfigurationFactory.ParseString(extra + "\n" + Quiet)), credential, trust);
    }

    private static Address AddressOf(NodeHost node) => ActorPath.TryParseAddress(node.Address, out var address) ? address : throw new FormatException(node.Address);

    private static Task<NodeStatus> StatusOf(ActorSystem client, NodeHost node, TimeSpan timeout) =>
        client.ActorSelection(node.Address + "/user/node/overlay").Ask<NodeStatus>(GetNodeStatus.Instance, timeout);

    private static Task<OverlayCounters> CountersOf(NodeHost node) => node.Overlay.Ask<OverlayCounters>(GetOverlayCounters.Instance, TimeSpan.FromSeconds(10));

    private static async Task<(NodeHost V, NodeHost N)> TwoNodesAsync(LocalRing ring)
    {
        var v = await ring.AddAsync();
        var n = await ring.AddAsync();
        await Eventually.True(async () => (await v.StatusAsync()).Clockwise.Any(h => h.Id == n.Identity.Id) && v.Peers!.NodeAt(AddressOf(n)) == n.Identity.Id,
            TimeSpan.FromSeconds(30), "the two nodes never proved each other");
        return (v, n);
    }

    [Fact]
    public async Task Honest_nodes_form_a_ring_and_each_knows_the_node_proven_at_every_neighbours_address()
    {
        await using var ring = new LocalRing();
        for (var i = 0; i < 3; i++) await ring.AddAsync();
        await Eventually.True(async () => await ring.WrongLeafSetsAsync() == 0, TimeSpan.FromSeconds(60), "ring did not converge", ring.DescribeWrongLeafSetsAsync);
        foreach (var node in ring.Nodes)
            foreach (var other in ring.Nodes.Where(o => o != node))
                await Eventually.True(() => Task.FromResult(node.Peers!.NodeAt(AddressOf(other)) == other.Identity.Id), TimeSpan.FromSeconds(20),
                    $"{node.Identity.Id.ToShortString()} never proved {other.Identity.Id.ToShortString()} at {other.Address}");
        var random = new Random(3);
        for (var i = 0; i < 20; i++)
        {
            var key = Core.Ids.RingId.Random(random);
            Assert.Equal(ring.TrueRoot(key), (await ring.Nodes[i % 3].FindRootAsync(key)).Root.Id);
        }
        Assert.All(ring.Nodes, n => Assert.Equal(0, n.Peers!.Refused));
        Assert.Null(ring.Nodes[0].Peers!.NodeAt(new Address("akka.ssl.tcp", "epost", "127.0.0.1", 1)));
    }

    [Fact]
    public async Task A_member_whose_envelope_names_another_nodes_address_as_its_sender_is_refused_and_the_message_is_not_handled()
    {
        await using var ring = new LocalRing();
        var (v, n) = await TwoNodesAsync(ring);
        var member = Member(ring);
        try
        {
            // Honest traffic from the member is answered: it is the forged sender that is refused, not the member.
            Assert.Equal(v.Identity.Id, (await StatusOf(member, v, TimeSpan.FromSeconds(20))).Self.Id);
            var before = await CountersOf(v);
            var refused = v.Peers!.Refused;
            var overlay = ((ExtendedActorSystem)member).Provider.ResolveActorRef(v.Address + "/user/node/overlay");
            var asN = ((ExtendedActorSystem)member).Provider.ResolveActorRef(n.Address + "/user/node/overlay");
            overlay.Tell(new ClientRequest(ClientListHeld.Instance), asN);

            await Eventually.True(() => Task.FromResult(v.Peers.Refused > refused), TimeSpan.FromSeconds(20), "the forged sender was not refused");
            // The member can come back honestly (a new association), and the forged request was never handled.
            await Eventually.True(async () =>
            {
                try { return (await StatusOf(member, v, TimeSpan.FromSeconds(3))).Self.Id == v.Identity.Id; }
                catch (AskTimeoutException) { return false; }
            }, TimeSpan.FromSeconds(30), "the member was not answered again after its refused association");
            Assert.Equal(before.ClientRequests, (await CountersOf(v)).ClientRequests);
        }
        finally { await member.Terminate(); }
    }

    [Fact]
    public async Task A_member_claiming_another_nodes_address_as_its_origin_is_refused_and_traffic_for_that_address_still_reaches_that_node()
    {
        await using var ring = new LocalRing();
        var (v, n) = await TwoNodesAsync(ring);
        var target = AddressOf(n);
        // Its Akka handshake (and its hello) claim N's address: what Akka's passive connections would route N's traffic to.
        var member = Member(ring, $"akka.remote.dot-netty.tcp {{ public-hostname = \"{target.Host}\", public-port = {target.Port} }}");
        try
        {
            Assert.Equal(n.Address, ((ExtendedActorSystem)member).Provider.DefaultAddress.ToString());
            var refused = v.Peers!.Refused;
            await Assert.ThrowsAsync<AskTimeoutException>(() => StatusOf(member, v, TimeSpan.FromSeconds(5)));
            Assert.True(v.Peers.Refused > refused, "the member's claim to N's address was not refused");

            Assert.Equal(n.Identity.Id, v.Peers.NodeAt(target));
            // What V sends to N's address reaches N (a node's asks get no replies: only its overlay is addressable).
            var handled = (await CountersOf(n)).ClientRequests;
            v.System.ActorSelection(n.Address + "/user/node/overlay").Tell(new ClientRequest(ClientListHeld.Instance));
            await Eventually.True(async () => (await CountersOf(n)).ClientRequests > handled, TimeSpan.FromSeconds(20),
                "V's message for N's address did not reach N");
        }
        finally { await member.Terminate(); }
    }

    [Fact]
    public async Task A_member_relaying_a_nodes_handshake_to_another_node_is_refused()
    {
        await using var ring = new LocalRing();
        var (v, n) = await TwoNodesAsync(ring);
        var (credential, _) = TestRingCa.Member(ring.Ca);
        using var certificate = TlsBinding.CreateCertificate(credential);
        var refusedByN = n.Peers!.Refused;
        // The member listens; when V dials it, the member dials N and passes every frame each sends to the other:
        // N sees V's hello (and would answer with a proof signed for V) on a socket whose TLS certificate is the member's.
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var memberAddress = $"akka.ssl.tcp://epost@127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}";
        var accepted = RawPeer.AcceptAsync(listener, certificate);
        v.System.ActorSelection(memberAddress + "/user/node/overlay").Tell(GetNodeStatus.Instance);
        await using var fromV = await accepted.WaitAsync(TimeSpan.FromSeconds(20));
        await using var toN = await RawPeer.ConnectAsync(AddressOf(n), certificate);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var relayed = await Task.WhenAll(RawPeer.PumpAsync(fromV, toN, stop.Token), RawPeer.PumpAsync(toN, fromV, stop.Token));

        Assert.True(relayed[0] > 0, "V's hello was not relayed");
        Assert.Equal(0, relayed[1]);
        await Eventually.True(() => Task.FromResult(n.Peers.Refused > refusedByN), TimeSpan.FromSeconds(20), "N did not refuse the relayed hello");
        Assert.Null(v.Peers!.NodeAt(ActorPath.TryParseAddress(memberAddress, out var member) ? member : null!));
        Assert.Equal(n.Identity.Id, v.Peers.NodeAt(AddressOf(n)));
        Assert.Equal(v.Identity.Id, n.Peers.NodeAt(AddressOf(v)));
    }

    [Fact]
    public async Task A_member_speaking_plain_akka_remote_without_the_peer_handshake_gets_nothing_handled()
    {
        await using var ring = new LocalRing();
        var node = await ring.AddAsync();
        var (credential, trust) = TestRingCa.Member(ring.Ca);
        var config = ConfigurationFactory.ParseString("""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0, enable-ssl = on }
            akka.loglevel = ERROR
            akka.stdout-loglevel = ERROR
            """);
        var plain = ActorSystem.Create("plain", Akka.Actor.BootstrapSetup.Create().WithConfig(config).And(RingTransport.SslSetup(credential, trust)));
        try
        {
            var refused = node.Peers!.Refused;
            await Assert.ThrowsAsync<AskTimeoutException>(() => StatusOf(plain, node, TimeSpan.FromSeconds(5)));
            Assert.True(node.Peers.Refused > refused, "the member without the handshake was not refused");
            Assert.Equal(0, node.Trust!.Refused);
        }
        finally { await plain.Terminate(); }
    }

    /// <summary>A certified member's raw TLS connection to a node's ring port, speaking Akka.Remote's framing (4-byte little-endian length).</summary>
    private sealed class RawPeer(TcpClient tcp, SslStream tls) : IAsyncDisposable
    {
        public static async Task<RawPeer> ConnectAsync(Address node, X509Certificate2 certificate)
        {
            var tcp = new TcpClient();
            await tcp.ConnectAsync(node.Host!, node.Port!.Value);
            var tls = new SslStream(tcp.GetStream(), false);
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = node.Host,
                ClientCertificates = [certificate],
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            });
            return new RawPeer(tcp, tls);
        }

        public static async Task<RawPeer> AcceptAsync(TcpListener listener, X509Certificate2 certificate)
        {
            var tcp = await listener.AcceptTcpClientAsync();
            var tls = new SslStream(tcp.GetStream(), false);
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = certificate,
                ClientCertificateRequired = true,
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            });
            return new RawPeer(tcp, tls);
        }

        /// <summary>Passes frames from <paramref name="from"/> to <paramref name="to"/> until either closes or <paramref name="stop"/>; how many it passed.</summary>
        public static async Task<int> PumpAsync(RawPeer from, RawPeer to, CancellationToken stop)
        {
            var passed = 0;
            try
            {
                while (await from.ReadFrameAsync(stop) is { } frame)
                {
                    await to.WriteFrameAsync(frame, stop);
                    passed++;
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException) { }
            await from.DisposeAsync();
            await to.DisposeAsync();
            return passed;
        }

        private async Task<byte[]?> ReadFrameAsync(CancellationToken stop)
        {
            var header = new byte[4];
            if (!await ReadExactlyAsync(header, stop)) return null;
            var length = BinaryPrimitives.ReadInt32LittleEndian(header);
            if (length is < 0 or > 128_000) return null;
            var frame = new byte[length];
            return await ReadExactlyAsync(frame, stop) ? frame : null;
        }

        private async Task<bool> ReadExactlyAsync(byte[] buffer, CancellationToken stop)
        {
            try
            {
                await tls.ReadExactlyAsync(buffer, stop);
                return true;
            }
            catch (EndOfStreamException) { return false; }
        }

        private async Task WriteFrameAsync(byte[] frame, CancellationToken stop)
        {
            var header = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(header, frame.Length);
            await tls.WriteAsync(header, stop);
            await tls.WriteAsync(frame, stop);
            await tls.FlushAsync(stop);
        }

        public ValueTask DisposeAsync()
        {
            tls.Dispose();
            tcp.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
