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

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
