using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using ePost.Core.Crypto;

namespace ePost.Node.Tests;

/// <summary>
/// Every configuration and command-line mistake stops <c>epost</c> (the real program, as a process) with exit code 2
/// and exactly one line on stderr naming the setting or option and what is wrong, and no stack trace: one test per kind
/// of mistake. A node without users is not a mistake.
/// </summary>
public sealed class ConfigErrorTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("epost-config-").FullName;

    private sealed record Outcome(int ExitCode, IReadOnlyList<string> Errors, string Output);

    /// <summary>Runs <c>epost</c> with its data directory in the test's directory and a free ring port.</summary>
    private async Task<Outcome> EpostAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "epost.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start epost");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("epost did not exit; it printed:\n" + await output + await errors);
        }
        return new Outcome(process.ExitCode, (await errors).Split('\n', StringSplitOptions.RemoveEmptyEntries), await output);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string[] Run(params string[] more) => ["run", "--data-dir", Path.Combine(dir, "data"), "--port", "0", .. more];

    /// <summary>Exit 2, one line on stderr saying <paramref name="says"/> about <paramref name="setting"/>, no stack trace anywhere.</summary>
    private static void AssertOneLine(Outcome outcome, string setting, string says)
    {
        Assert.True(outcome.ExitCode == 2, $"exit code {outcome.ExitCode}; stderr:\n{string.Join("\n", outcome.Errors)}");
        var line = Assert.Single(outcome.Errors);
        Assert.StartsWith("epost ", line);
        Assert.Contains(setting, line);
        Assert.Contains(says, line);
        Assert.DoesNotContain("   at ", outcome.Output);
        Assert.DoesNotContain("Exception", line);
    }

    [Fact]
    public async Task A_setting_of_the_wrong_type()
    {
        AssertOneLine(await EpostAsync(Run("--set", "epost.mail.backend-timeout=soon")), "epost.mail.backend-timeout", "must be a duration");
        AssertOneLine(await EpostAsync(Run("--config", Write("type.conf", "epost.node.port = many"))), "epost.node.port", "must be a whole number, not \"many\"");
    }

    [Fact]
    public async Task An_unknown_setting_under_epost()
    {
        AssertOneLine(await EpostAsync(Run("--config", Write("unknown.conf", "epost.mail { imap-prot = 143 }"))),
            "epost.mail.imap-prot", "unknown setting (did you mean epost.mail.imap-port?)");
    }

    [Fact]
    public async Task A_port_in_use()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        AssertOneLine(await EpostAsync([.. Run(), "--port", port]), "epost.node.port", $"port {port} on 127.0.0.1 is already in use");
    }

    [Fact]
    public async Task A_missing_key_file()
    {
        var pass = Write("alice.pass", "pw\n");
        var config = Write("users.conf", $"epost.post.users = [ {{ key-file = \"{Path.Combine(dir, "alice.key")}\", passphrase-file = \"{pass}\" }} ]");
        AssertOneLine(await EpostAsync(Run("--config", config)), "epost.post.users[0].key-file", "no file");
    }

    [Fact]
    public async Task A_wrong_passphrase()
    {
        var random = RandomNumberGenerator.Create();
        var alice = CertificateAuthority.Create(random).IssueNewUser("alice@ring.test", 1, random);
        var key = Write("alice.key", PassphraseKeyFile.Seal(alice, "right", new Argon2idCost(8 * 1024, 1, 1), random));
        var pass = Write("alice.pass", "wrong\n");
        var config = Write("users.conf", $"epost.post.users = [ {{ key-file = \"{key}\", passphrase-file = \"{pass}\" }} ]");
        AssertOneLine(await EpostAsync(Run("--config", config)), "epost.post.users[0]", "does not open with the passphrase in");
        AssertOneLine(await EpostAsync([.. Run("--key", key, "--passphrase-file", pass)[1..].Prepend("recover")]), "--passphrase-file", "does not open");
    }

    [Fact]
    public async Task A_bad_bootstrap_address()
    {
        AssertOneLine(await EpostAsync(Run("--bootstrap", "ring1.example.org:4000")), "epost.node.bootstrap", "is not a node address");
        AssertOneLine(await EpostAsync(Run("--bootstrap", "akka.ssl.tcp://other@ring1.example.org:4000")), "epost.node.bootstrap", "names the actor system 'other'");
        AssertOneLine(await EpostAsync(Run("--bootstrap", "akka.tcp://epost@ring1.example.org:4000")), "epost.node.bootstrap", "uses akka.tcp, but this node's transport is akka.ssl.tcp");
    }

    [Fact]
    public async Task A_config_file_with_a_stray_section_or_not_there()
    {
        AssertOneLine(await EpostAsync(Run("--config", Write("stray.conf", "epost-node { port = 4000 }"))), "epost-node", "unknown setting");
        AssertOneLine(await EpostAsync(Run("--config", Path.Combine(dir, "absent.conf"))), "--config", "no file");
    }

    [Fact]
    public async Task A_bad_command_line_option()
    {
        AssertOneLine(await EpostAsync(Run("--port", "70000")), "--port", "takes 0..65535");
        AssertOneLine(await EpostAsync(Run("--no-such-option", "1")), "--no-such-option", "Unknown option");
    }

    [Fact]
    public async Task A_data_directory_that_cannot_be_made()
    {
        var blocker = Write("a-file", "not a directory");
        AssertOneLine(await EpostAsync("run", "--data-dir", Path.Combine(blocker, "data"), "--port", "0"), "epost.node.data-dir", "cannot create the directory");
    }

    [Fact]
    public async Task Files_named_by_options_of_the_other_verbs()
    {
        var absent = Path.Combine(dir, "absent");
        AssertOneLine(await EpostAsync("send", "--devnet", absent, "--from", "a@ring.test", "--to", "b@ring.test"), "--devnet", "cannot read");
        AssertOneLine(await EpostAsync("list", "--devnet", absent, "--user", "a@ring.test"), "--devnet", "cannot read");
        AssertOneLine(await EpostAsync("store", "put", "--node", "akka.tcp://epost@127.0.0.1:9", "--file", absent), "--file", "no file");
        AssertOneLine(await EpostAsync("ca", "init", "--dir", Path.Combine(dir, "ca"), "--passphrase-file", absent), absent, "does not exist");
        AssertOneLine(await EpostAsync("init", "--data-dir", Path.Combine(dir, "data"), "--set", "epost.node.prot=1"), "epost.node.prot", "did you mean epost.node.port?");
    }

    [Fact]
    public async Task A_node_without_users_is_valid_and_runs()
    {
        var ca = Convert.ToHexStringLower(CertificateAuthority.Create(RandomNumberGenerator.Create()).PublicKey);
        var config = Write("nobody.conf", $"epost.post.users = [ ]\nepost.storage.certificate-authority = \"{ca}\"");
        using var node = NodeProcess.Start(Run("--config", config));
        Assert.StartsWith("akka.ssl.tcp://epost@127.0.0.1:", await node.AddressAsync(TimeSpan.FromSeconds(60)));
    }

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(dir, recursive: true);
}
