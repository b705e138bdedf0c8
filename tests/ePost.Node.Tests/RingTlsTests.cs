using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Remote.Transport.DotNetty;
using ePost.Core.Crypto;
using ePost.Node.Commands;
using ePost.Node.Hosting;
using ePost.Node.Identity;
using ePost.Overlay;
using ePost.Overlay.Node;

namespace ePost.Node.Tests;

/// <summary>
/// Mutual TLS between real ActorSystems over Akka.Remote: only peers whose TLS certificate carries a node
/// certificate of the ring CA, not revoked, bound by the node key to the TLS key, get anything handled.
/// </summary>
[Collection(HeavyTests.Name)]
public sealed class RingTlsTests
{
    // A tool's system: its asks' reply slots (/temp) are what it lets the network reach.
    private const string Quiet = "epost.node.port = 0\nakka.loglevel = ERROR\nepost.transport.addressable-paths = [\"/temp\"]";

    [Fact]
    public async Task A_certified_member_is_answered_and_nothing_is_refused()
    {
        await using var ring = new LocalRing();
        var node = await ring.AddAsync();
        var (credential, trust) = TestRingCa.Member();
        var member = RingTransport.CreateSystem("epost", NodeConfig.Build(ConfigurationFactory.ParseString(Quiet)), credential, trust);
        try
        {
            Assert.StartsWith("akka.ssl.tcp://", node.Address);
            var status = await StatusOf(member, node, TimeSpan.FromSeconds(20));
            Assert.Equal(node.Identity.Id, status.Self.Id);
            Assert.Equal(0, node.Trust!.Refused);
        }
        finally { await member.Terminate(); }
    }

    [Fact]
    public async Task A_stranger_without_tls_gets_no_reply()
    {
        await using var ring = new LocalRing();
        var node = await ring.AddAsync();
        var stranger = ActorSystem.Create("epost", NodeConfig.Build(ConfigurationFactory.ParseString(Quiet + "\nepost.transport.tls = off")));
        try
        {
            var plain = node.Address.Replace("akka.ssl.tcp://", "akka.tcp://", StringComparison.Ordinal);
            var asked = stranger.ActorSelection(plain + "/user/node/overlay").Ask<NodeStatus>(GetNodeStatus.Instance, TimeSpan.FromSeconds(5));
            await Assert.ThrowsAsync<AskTimeoutException>(() => asked);
        }
        finally { await stranger.Terminate(); }
    }

    [Fact]
    public async Task A_stranger_with_a_self_signed_tls_certificate_without_a_node_certificate_is_refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=stranger", key, HashAlgorithmName.SHA256);
        using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        await AssertRefusedAsync(X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), null));
    }

    [Fact]
    public async Task A_node_with_a_self_made_certificate_of_another_ca_is_refused()
    {
        var (credential, _) = TestRingCa.Member(CertificateAuthority.Create(RandomNumberGenerator.Create()));
        await AssertRefusedAsync(TlsBinding.CreateCertificate(credential));
    }

    [Fact]
    public async Task A_revoked_node_is_refused_though_its_certificate_is_genuine()
    {
        var (credential, _) = TestRingCa.Member();
        var revoked = TestRingCa.Shared.RevokeNodes(1, [credential.NodeId]);
        await AssertRefusedAsync(TlsBinding.CreateCertificate(credential), dataDir =>
            File.WriteAllBytes(Path.Combine(dataDir, TransportSettings.RevocationListFile), revoked.Encode()));
    }

    /// <summary>
    /// The stranger accepts any server certificate, so the refusal is the node's: the stranger's question is never
    /// answered and the node counts a refused handshake.
    /// </summary>
    private static async Task AssertRefusedAsync(X509Certificate2 strangerCertificate, Action<string>? prepareDataDir = null)
    {
        await using var ring = new LocalRing();
        var dir = ring.NewDataDir("target");
        TestRingCa.Certify(dir);
        prepareDataDir?.Invoke(dir);
        var node = await ring.AddAsync(dataDir: dir);
        var config = ConfigurationFactory.ParseString("akka.remote.dot-netty.tcp.enable-ssl = on")
            .WithFallback(NodeConfig.Build(ConfigurationFactory.ParseString(Quiet)));
        var acceptAnything = new DotNettySslSetup(strangerCertificate, suppressValidation: true, requireMutualAuthentication: true,
            validateCertificateHostname: false, customValidator: (_, _, _, _, _) => true);
        var stranger = ActorSystem.Create("epost", BootstrapSetup.Create().WithConfig(config).And(acceptAnything));
        try
        {
            var asked = StatusOf(stranger, node, TimeSpan.FromSeconds(5));
            await Eventually.True(() => Task.FromResult(node.Trust!.Refused > 0), TimeSpan.FromSeconds(20), "the node never refused the stranger's handshake");
            await Assert.ThrowsAsync<AskTimeoutException>(() => asked);
        }
        finally { await stranger.Terminate(); }
    }

    private static Task<NodeStatus> StatusOf(ActorSystem client, NodeHost node, TimeSpan timeout) =>
        client.ActorSelection(node.Address + "/user/node/overlay").Ask<NodeStatus>(GetNodeStatus.Instance, timeout);
}

/// <summary>How a tool (<c>epost status</c>, <c>epost store</c>) finds the identity and trust it connects with.</summary>
[Collection(HeavyTests.Name)]
public sealed class ToolCredentialTests
{
    [Fact]
    public async Task A_tool_given_only_a_nodes_data_dir_trusts_the_ca_that_certified_that_node_and_is_answered()
    {
        await using var ring = new LocalRing(Core.Crypto.CertificateAuthority.Create(System.Security.Cryptography.RandomNumberGenerator.Create()));
        var node = await ring.AddAsync();
        var config = NodeConfig.Build(ConfigurationFactory.ParseString($"epost.node.data-dir = {NodeConfig.Quote(ring.DataDirOf(0))}"));
        var (credential, trust) = ClientSystem.CredentialOf(config);
        Assert.Equal(node.Identity.Id, credential!.NodeId);
        var status = await StatusCommand.QueryAsync(node.Address, TimeSpan.FromSeconds(20), credential, trust);
        Assert.Equal(node.Identity.Id, status!.Self.Id);
    }

    [Fact]
    public void A_configured_ca_wins_over_the_one_in_the_data_dir_so_a_node_of_another_ring_is_refused()
    {
        var dir = Path.Combine(Path.GetTempPath(), "epost-tool-" + Guid.NewGuid().ToString("N"));
        try
        {
            TestRingCa.Certify(dir, Core.Crypto.CertificateAuthority.Create(System.Security.Cryptography.RandomNumberGenerator.Create()));
            var config = NodeConfig.Build(ConfigurationFactory.ParseString(
                $"epost.node.data-dir = {NodeConfig.Quote(dir)}\nepost.transport.certificate-authority = \"{TestRingCa.PublicKeyHex()}\""));
            Assert.Throws<NodeCredentialException>(() => ClientSystem.CredentialOf(config));
        }
        finally { Directory.Delete(dir, true); }
    }
}
