using System.Text.Json;
using Akka.Configuration;
using ePost.Node.Commands;
using ePost.Node.Hosting;
using ePost.Node.Identity;
using ePost.Node.Simulate;

namespace ePost.Node.Tests;

public sealed class CommandLineTests
{
    [Theory]
    [InlineData("no-such-verb")]
    [InlineData("run", "--port", "not-a-number")]
    [InlineData("run", "--port", "70000")]
    [InlineData("run", "--no-such-option", "1")]
    [InlineData("run", "--set", "missing-equals")]
    [InlineData("status")]
    [InlineData("status", "--node", "not an address")]
    [InlineData("sim", "--nodes", "0")]
    [InlineData("bench", "no-such-benchmark")]
    public async Task Usage_mistakes_exit_with_code_2_without_starting_anything(params string[] args) =>
        Assert.Equal(2, await Program.RunAsync(args, CancellationToken.None));

    [Fact]
    public void Sim_prints_a_json_line_last_with_every_lookup_at_its_true_root()
    {
        var output = new StringWriter();
        Assert.Equal(0, SimCommand.Run(["--nodes", "60", "--lookups", "600", "--seed", "3", "--steady-minutes", "1"], output, CancellationToken.None));
        var last = output.ToString().TrimEnd().Split('\n')[^1];
        using var json = JsonDocument.Parse(last);
        var r = json.RootElement;
        foreach (var key in new[] { "nodes", "lookups", "delivered_to_root", "mean_hops", "p99_hops", "max_hops", "build_seconds", "lookup_seconds", "managed_bytes_per_node" })
            Assert.True(r.TryGetProperty(key, out _), $"missing {key}");
        Assert.Equal(60, r.GetProperty("nodes").GetInt32());
        Assert.Equal(1.0, r.GetProperty("delivered_to_root").GetDouble());
    }

    [Fact]
    public void Environment_overrides_defaults_and_flags_override_the_environment()
    {
        var env = new Dictionary<string, string?> { ["EPOST_PORT"] = "4100", ["EPOST_BOOTSTRAP"] = "akka.tcp://epost@a:1, akka.tcp://epost@b:2", ["EPOST_DATA_DIR"] = "/srv/epost" };
        var fromEnv = NodeSettings.Create(NodeConfig.Build(null, env));
        Assert.Equal(4100, fromEnv.Port);
        Assert.Equal(["akka.tcp://epost@a:1", "akka.tcp://epost@b:2"], fromEnv.Bootstrap);
        Assert.Equal("/srv/epost", fromEnv.DataDir);

        var config = NodeConfig.Build(ConfigurationFactory.ParseString("epost.node.port = 4200"), env);
        Assert.Equal(4200, NodeSettings.Create(config).Port);
        Assert.Equal(4200, config.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.Equal("off", config.GetString("akka.remote.dot-netty.tcp.tcp-reuse-addr"));
    }

    [Fact]
    public void The_environment_configures_the_ring_ca_a_user_and_the_mail_listeners_as_the_compose_file_does()
    {
        var dir = Directory.CreateTempSubdirectory("epost-env-").FullName;
        try
        {
            var random = System.Security.Cryptography.RandomNumberGenerator.Create();
            var ca = Core.Crypto.CertificateAuthority.Create(random);
            var alice = ca.IssueNewUser("alice@ring.test", 1, random);
            File.WriteAllText(Path.Combine(dir, "ca.pub"), Convert.ToHexStringLower(ca.PublicKey) + "\n");
            File.WriteAllText(Path.Combine(dir, "alice.key"), Core.Crypto.PassphraseKeyFile.Seal(alice, "pw", new Core.Crypto.Argon2idCost(8 * 1024, 1, 1), random));
            File.WriteAllText(Path.Combine(dir, "user.pass"), "pw\n");
            var env = new Dictionary<string, string?>
            {
                ["EPOST_CA_PUBLIC_KEY_FILE"] = Path.Combine(dir, "ca.pub"),
                ["EPOST_USER_KEY_FILE"] = Path.Combine(dir, "alice.key"),
                ["EPOST_USER_PASSPHRASE_FILE"] = Path.Combine(dir, "user.pass"),
                ["EPOST_MAIL_LISTEN"] = "0.0.0.0",
            };
            var config = NodeConfig.Build(null, env);
            Assert.Equal(ca.PublicKey, Storage.Replication.StorageSettings.Create(config).CertificateAuthority);
            Assert.Equal("0.0.0.0", config.GetString("epost.mail.listen-host"));
            var user = Assert.Single(NodeMail.LoadUsers(config));
            Assert.Equal("alice@ring.test", user.Address);
            Assert.True(user.Verify("pw"));
            Assert.Throws<Akka.Configuration.ConfigurationException>(() => NodeConfig.Build(null, new Dictionary<string, string?> { ["EPOST_USER_KEY_FILE"] = "x" }));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Defaults_match_the_documented_hocon_files()
    {
        var defaults = NodeSettings.Create(NodeConfig.Defaults);
        Assert.Equal(4000, defaults.Port);
        Assert.Empty(defaults.Bootstrap);
        Assert.Equal(24, NodeConfig.Defaults.GetInt("epost.overlay.leaf-set-size"));
    }

    [Fact]
    public void A_node_keeps_its_id_across_restarts_and_each_start_has_a_higher_epoch()
    {
        var dir = Directory.CreateTempSubdirectory("epost-id-").FullName;
        try
        {
            var first = NodeIdentity.LoadOrCreate(dir);
            var e1 = first.NextEpoch();
            var again = NodeIdentity.LoadOrCreate(dir);
            Assert.Equal(first.Id, again.Id);
            Assert.True(again.NextEpoch() > e1);
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, "node.key")));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void A_key_file_whose_public_key_does_not_match_is_refused()
    {
        var dir = Directory.CreateTempSubdirectory("epost-id-").FullName;
        try
        {
            NodeIdentity.LoadOrCreate(dir);
            var path = Path.Combine(dir, "node.key");
            var json = JsonDocument.Parse(File.ReadAllText(path)).RootElement;
            var forged = JsonSerializer.Serialize(new { Version = 1, PrivateKey = json.GetProperty("PrivateKey").GetString(), PublicKey = Convert.ToBase64String(new byte[32]) });
            File.WriteAllText(path, forged);
            Assert.Throws<InvalidDataException>(() => NodeIdentity.LoadOrCreate(dir));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public async Task Run_refuses_to_start_with_exit_2_without_a_valid_node_certificate_for_the_configured_ca()
    {
        var dir = Directory.CreateTempSubdirectory("epost-cert-").FullName;
        try
        {
            var identity = NodeIdentity.LoadOrCreate(dir);
            string[] run = ["run", "--port", "0", "--data-dir", dir, "--set", $"epost.transport.certificate-authority={TestRingCa.PublicKeyHex()}"];
            var config = NodeConfig.Build(ConfigurationFactory.ParseString($"epost.node.data-dir = {NodeConfig.Quote(dir)}\nepost.transport.certificate-authority = \"{TestRingCa.PublicKeyHex()}\""));

            // No certificate: the message names the exact command the CA operator runs.
            Assert.Equal(2, await Program.RunAsync(run, CancellationToken.None));
            var missing = Assert.Throws<NodeCredentialException>(() => RingTransport.Load(config, identity));
            Assert.Contains($"epost ca issue-node {Convert.ToHexStringLower(identity.PublicKey)}", missing.Message);
            Assert.DoesNotContain("\n", missing.Message);

            // A self-made certificate (another CA) and a certificate of the right CA for another node.
            var selfMade = Core.Crypto.CertificateAuthority.Create(System.Security.Cryptography.RandomNumberGenerator.Create());
            File.WriteAllBytes(Path.Combine(dir, "node.cert"), selfMade.IssueNode(identity.PublicKey, 1).Encode());
            Assert.Equal(2, await Program.RunAsync(run, CancellationToken.None));
            Assert.Contains("another CA", Assert.Throws<NodeCredentialException>(() => RingTransport.Load(config, identity)).Message);
            var other = Core.Crypto.Ed25519.Generate(System.Security.Cryptography.RandomNumberGenerator.Create());
            File.WriteAllBytes(Path.Combine(dir, "node.cert"), TestRingCa.Shared.IssueNode(other.PublicKey, 1).Encode());
            Assert.Equal(2, await Program.RunAsync(run, CancellationToken.None));
            Assert.Contains("not for this node", Assert.Throws<NodeCredentialException>(() => RingTransport.Load(config, identity)).Message);

            // No CA configured at all.
            Assert.Equal(2, await Program.RunAsync(["run", "--port", "0", "--data-dir", dir], CancellationToken.None));

            // With --node-cert naming a good certificate elsewhere, the identity loads.
            var good = Path.Combine(dir, "elsewhere.cert");
            File.WriteAllBytes(good, TestRingCa.Shared.IssueNode(identity.PublicKey, 2).Encode());
            var withFlag = NodeConfig.Build(NodeOptions.Overrides(Cli.Arguments.Parse(["--data-dir", dir, "--node-cert", good, "--set", $"epost.transport.certificate-authority={TestRingCa.PublicKeyHex()}"])));
            Assert.Equal(identity.Id, RingTransport.Load(withFlag, identity).Credential.NodeId);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public async Task Init_prints_the_node_public_key_and_the_command_that_admits_it()
    {
        var dir = Directory.CreateTempSubdirectory("epost-init-").FullName;
        try
        {
            using var init = NodeProcess.StartUncertified(["init", "--data-dir", dir]);
            Assert.Equal(0, await init.ExitCodeAsync(TimeSpan.FromSeconds(60)));
            var key = Convert.ToHexStringLower(NodeIdentity.LoadOrCreate(dir).PublicKey);
            Assert.Contains($"public key {key}", init.Output);
            Assert.Contains(init.Output, line => line.Contains($"epost ca issue-node {key} --out {Path.Combine(dir, "node.cert")}", StringComparison.Ordinal));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void A_revocation_list_of_another_ca_in_the_data_dir_stops_the_node_from_starting()
    {
        var dir = Directory.CreateTempSubdirectory("epost-cert-").FullName;
        try
        {
            var identity = TestRingCa.Certify(dir);
            var config = NodeConfig.Build(ConfigurationFactory.ParseString($"epost.node.data-dir = {NodeConfig.Quote(dir)}\nepost.transport.certificate-authority = \"{TestRingCa.PublicKeyHex()}\""));
            Assert.Equal(identity.Id, RingTransport.Load(config, identity).Credential.NodeId);
            var forged = Core.Crypto.CertificateAuthority.Create(System.Security.Cryptography.RandomNumberGenerator.Create()).RevokeNodes(1, []);
            File.WriteAllBytes(Path.Combine(dir, TransportSettings.RevocationListFile), forged.Encode());
            Assert.Contains("another CA", Assert.Throws<NodeCredentialException>(() => RingTransport.Load(config, identity)).Message);
            File.WriteAllBytes(Path.Combine(dir, TransportSettings.RevocationListFile), TestRingCa.Shared.RevokeNodes(1, [identity.Id]).Encode());
            Assert.Contains("revoked", Assert.Throws<NodeCredentialException>(() => RingTransport.Load(config, identity)).Message);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
