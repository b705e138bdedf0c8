using ePost.Core.Crypto;
using ePost.Node.Commands;

namespace ePost.Node.Tests;

public sealed class CaCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("epost-ca-").FullName;
    private static readonly string[] Cheap = ["--kdf-memory-kib", "64", "--kdf-iterations", "1"];

    private string Secret(string name, string value)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, value + "\n");
        return path;
    }

    private int Ca(params string[] args) => CaCommand.Run([.. args, "--dir", Path.Combine(_dir, "ca"), .. Cheap], new StringReader(""), TextWriter.Null);

    [Fact]
    public void Init_then_issue_gives_a_user_key_file_whose_certificate_the_ca_public_key_verifies()
    {
        var caPass = Secret("ca.pass", "correct horse");
        Assert.Equal(0, Ca("init", "--passphrase-file", caPass));
        Assert.Equal(0, Ca("issue", "Alice@Example.org", "--passphrase-file", caPass, "--user-passphrase-file", Secret("alice.pass", "alice's secret")));

        var caPublic = Convert.FromHexString(File.ReadAllText(Path.Combine(_dir, "ca", "ca.pub")).Trim());
        var keys = PassphraseKeyFile.OpenUserKeys(File.ReadAllText(Path.Combine(_dir, "ca", "users", "alice@example.org.key")), "alice's secret");
        Assert.Equal("alice@example.org", keys.Certificate.Address);
        Assert.True(CertificateAuthority.Verify(caPublic, keys.Certificate).IsValid);
        Assert.Equal(1UL, keys.Certificate.Serial);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_dir, "ca", "ca.key")));
    }

    [Fact]
    public void Serials_count_up_and_a_users_keys_are_never_replaced()
    {
        var caPass = Secret("ca.pass", "pw");
        Ca("init", "--passphrase-file", caPass);
        Assert.Equal(0, Ca("issue", "a@x.org", "--passphrase-file", caPass, "--user-passphrase-file", Secret("u", "u")));
        Assert.Equal(0, Ca("issue", "b@x.org", "--passphrase-file", caPass, "--user-passphrase-file", Secret("u", "u")));
        Assert.Equal(1, Ca("issue", "a@x.org", "--passphrase-file", caPass, "--user-passphrase-file", Secret("u", "u")));
        var b = PassphraseKeyFile.OpenUserKeys(File.ReadAllText(Path.Combine(_dir, "ca", "users", "b@x.org.key")), "u");
        Assert.Equal(2UL, b.Certificate.Serial);
    }

    [Fact]
    public void A_wrong_ca_passphrase_issues_nothing()
    {
        Ca("init", "--passphrase-file", Secret("ca.pass", "right"));
        Assert.Equal(1, Ca("issue", "a@x.org", "--passphrase-file", Secret("wrong", "wrong"), "--user-passphrase-file", Secret("u", "u")));
        Assert.False(File.Exists(Path.Combine(_dir, "ca", "users", "a@x.org.key")));
    }

    [Fact]
    public void Init_refuses_to_replace_an_existing_ca_key()
    {
        var caPass = Secret("ca.pass", "pw");
        Assert.Equal(0, Ca("init", "--passphrase-file", caPass));
        var before = File.ReadAllText(Path.Combine(_dir, "ca", "ca.key"));
        Assert.Equal(1, Ca("init", "--passphrase-file", caPass));
        Assert.Equal(before, File.ReadAllText(Path.Combine(_dir, "ca", "ca.key")));
    }

    [Fact]
    public void An_unusable_address_is_refused()
    {
        var caPass = Secret("ca.pass", "pw");
        Ca("init", "--passphrase-file", caPass);
        Assert.Equal(1, Ca("issue", "not an address", "--passphrase-file", caPass, "--user-passphrase-file", Secret("u", "u")));
    }

    [Fact]
    public void Issue_node_certifies_the_public_key_that_a_node_data_dir_holds()
    {
        var caPass = Secret("ca.pass", "pw");
        Assert.Equal(0, Ca("init", "--passphrase-file", caPass));
        var node = Identity.NodeIdentity.LoadOrCreate(Path.Combine(_dir, "node"));
        var target = Path.Combine(_dir, "node", "node.cert");
        Assert.Equal(0, Ca("issue-node", Convert.ToHexStringLower(node.PublicKey), "--out", target, "--passphrase-file", caPass));

        var caPublic = Convert.FromHexString(File.ReadAllText(Path.Combine(_dir, "ca", "ca.pub")).Trim());
        var verdict = NodeCertificate.Verify(caPublic, File.ReadAllBytes(target), 3);
        Assert.True(verdict.IsValid, verdict.Reason);
        Assert.Equal(node.Id, verdict.Certificate!.NodeId);
        Assert.Equal(NodeCertificateKind.Ring, verdict.Certificate.Kind);
    }

    [Fact]
    public void Issue_node_refuses_a_node_id_or_a_key_that_is_not_one()
    {
        var caPass = Secret("ca.pass", "pw");
        Ca("init", "--passphrase-file", caPass);
        var id = Identity.NodeIdentity.LoadOrCreate(Path.Combine(_dir, "node")).Id.ToString();
        Assert.Throws<Cli.UsageException>(() => Ca("issue-node", id, "--passphrase-file", caPass));
        Assert.Throws<Cli.UsageException>(() => Ca("issue-node", "zz", "--passphrase-file", caPass));
        Assert.False(Directory.Exists(Path.Combine(_dir, "ca", "nodes")));
    }

    [Fact]
    public void A_certified_user_admits_its_own_devices_with_its_key_file_below_the_ring_limit()
    {
        var caPass = Secret("ca.pass", "pw");
        var userPass = Secret("u.pass", "u");
        Ca("init", "--passphrase-file", caPass);
        Ca("issue", "alice@x.org", "--passphrase-file", caPass, "--user-passphrase-file", userPass);
        var userKey = Path.Combine(_dir, "ca", "users", "alice@x.org.key");
        var caPublic = Convert.FromHexString(File.ReadAllText(Path.Combine(_dir, "ca", "ca.pub")).Trim());
        for (var device = 0; device < 2; device++)
        {
            var node = Identity.NodeIdentity.LoadOrCreate(Path.Combine(_dir, $"device{device}"));
            var target = Path.Combine(_dir, $"device{device}", "node.cert");
            Assert.Equal(0, Ca("issue-device", Convert.ToHexStringLower(node.PublicKey), "--key", userKey, "--device", $"{device}", "--user-passphrase-file", userPass, "--out", target));
            var verdict = NodeCertificate.Verify(caPublic, File.ReadAllBytes(target), maxDevicesPerUser: 1);
            Assert.Equal(device < 1 ? NodeCertificateRejection.None : NodeCertificateRejection.TooManyDevices, verdict.Rejection);
            Assert.Equal(NodeCertificateKind.Device, verdict.Certificate!.Kind);
            Assert.Equal(node.Id, verdict.Certificate.NodeId);
        }
    }

    [Fact]
    public void Revoke_node_signs_cumulative_lists_with_growing_numbers()
    {
        var caPass = Secret("ca.pass", "pw");
        Ca("init", "--passphrase-file", caPass);
        var a = Core.Ids.RingId.FromSha256([1]);
        var b = Core.Ids.RingId.FromSha256([2]);
        Assert.Equal(0, Ca("revoke-node", a.ToString(), "--passphrase-file", caPass));
        Assert.Equal(0, Ca("revoke-node", b.ToString(), "--passphrase-file", caPass));

        var caPublic = Convert.FromHexString(File.ReadAllText(Path.Combine(_dir, "ca", "ca.pub")).Trim());
        var list = NodeRevocationList.Decode(File.ReadAllBytes(Path.Combine(_dir, "ca", "node.revocations")));
        Assert.Null(list.Verify(caPublic));
        Assert.Equal(2UL, list.Number);
        Assert.True(list.IsRevoked(a) && list.IsRevoked(b));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
