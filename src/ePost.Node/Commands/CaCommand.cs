using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ePost.Core.Crypto;
using ePost.Core.Ids;
using ePost.Node.Cli;
using ePost.Node.Identity;

namespace ePost.Node.Commands;

/// <summary>
/// <c>epost ca init|issue|issue-node|revoke-node</c>: the ring's certificate authority, kept by the operator. <c>init</c>
/// creates the CA key (passphrase-protected, Argon2id) and its public key; <c>issue ADDRESS</c> creates a user's key
/// file: Ed25519 signing key, X25519 encryption key and the CA-signed certificate, protected by the user's passphrase;
/// <c>issue-node PUBKEY</c> signs the node certificate that admits a node (its key as <c>epost init</c> printed it);
/// <c>issue-device PUBKEY --key USER.key --device N</c> lets a certified user admit one of their own nodes (signed by the
/// user's key, no CA key needed); <c>revoke-node NODEID...</c> signs the next, cumulative node revocation list.
/// </summary>
public static class CaCommand
{
    /// <summary>The verb.</summary>
    public static Verb Verb => new("ca",
        "certificate authority: init [--dir DIR] | issue ADDRESS [--dir DIR] [--out DIR] [--serial N] | issue-node PUBKEY [--dir DIR] [--out FILE] [--serial N] | issue-device PUBKEY --key USER.key --device N [--out FILE] | revoke-node NODEID... [--dir DIR] [--out FILE]; passphrases from --passphrase-file/--user-passphrase-file, EPOST_CA_PASSPHRASE/EPOST_USER_PASSPHRASE, or stdin",
        (args, _) => Task.FromResult(Run(args, Console.In, Console.Out)));

    /// <summary>Runs one <c>ca</c> command; passphrases not given by file or environment are read as lines from <paramref name="input"/>.</summary>
    public static int Run(IReadOnlyList<string> args, TextReader input, TextWriter output)
    {
        var options = Arguments.Parse(args);
        var action = options.Positional.Count > 0 ? options.Positional[0] : throw new UsageException("epost ca init | epost ca issue ADDRESS");
        var dir = options.Get("dir") ?? "ca";
        var cost = new Argon2idCost(options.Int("kdf-memory-kib", Argon2idCost.Default.MemoryKiB, min: 8),
            options.Int("kdf-iterations", Argon2idCost.Default.Iterations, min: 1), Argon2idCost.Default.Parallelism);
        if (cost.Problem() is { } problem) throw new UsageException(problem);
        var caPassphraseFile = options.Get("passphrase-file");
        var userPassphraseFile = options.Get("user-passphrase-file");
        var outDir = options.Get("out");
        var userKeyFile = options.Get("key");
        var deviceOption = options.Get("device");
        var serialOption = options.Get("serial");
        options.RejectUnknown();
        var keyPath = Path.Combine(dir, "ca.key");

        switch (action)
        {
            case "init":
            {
                if (File.Exists(keyPath)) { Console.Error.WriteLine($"{keyPath} exists; refusing to replace a CA key"); return 1; }
                var passphrase = Passphrase(caPassphraseFile, "EPOST_CA_PASSPHRASE", input, "CA passphrase");
                Directory.CreateDirectory(dir);
                var ca = CertificateAuthority.Create(RandomNumberGenerator.Create());
                DurableFile.WriteAtomically(keyPath, Encoding.UTF8.GetBytes(PassphraseKeyFile.Seal(ca, passphrase, cost, RandomNumberGenerator.Create())), ownerOnly: true);
                DurableFile.WriteAtomically(Path.Combine(dir, "ca.pub"), Encoding.ASCII.GetBytes(Convert.ToHexStringLower(ca.PublicKey) + "\n"), ownerOnly: false);
                output.WriteLine($"ca {Convert.ToHexStringLower(ca.PublicKey)} in {Path.GetFullPath(dir)} (keep ca.key offline; nodes trust ca.pub)");
                return 0;
            }
            case "issue":
            {
                var address = options.Positional.Count == 2 ? options.Positional[1] : throw new UsageException("epost ca issue ADDRESS");
                if (!File.Exists(keyPath)) { Console.Error.WriteLine($"no CA key at {keyPath}; run epost ca init first"); return 1; }
                CertificateAuthority ca;
                try
                {
                    ca = PassphraseKeyFile.OpenCertificateAuthority(File.ReadAllText(keyPath), Passphrase(caPassphraseFile, "EPOST_CA_PASSPHRASE", input, "CA passphrase"));
                }
                catch (KeyFileException e)
                {
                    Console.Error.WriteLine($"cannot open {keyPath}: {e.Message}");
                    return 1;
                }
                var serial = serialOption is null ? NextSerial(dir) : ulong.TryParse(serialOption, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : throw new UsageException("--serial takes a number.");
                UserKeys keys;
                try
                {
                    keys = ca.IssueNewUser(address, serial, RandomNumberGenerator.Create());
                }
                catch (ArgumentException e)
                {
                    Console.Error.WriteLine($"cannot issue for '{address}': {e.Message}");
                    return 1;
                }
                var userPassphrase = Passphrase(userPassphraseFile, "EPOST_USER_PASSPHRASE", input, "user passphrase");
                var target = Path.Combine(outDir ?? Path.Combine(dir, "users"), keys.Certificate.Address + ".key");
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target))!);
                if (File.Exists(target)) { Console.Error.WriteLine($"{target} exists; refusing to replace a user's keys"); return 1; }
                DurableFile.WriteAtomically(target, Encoding.UTF8.GetBytes(PassphraseKeyFile.Seal(keys, userPassphrase, cost, RandomNumberGenerator.Create())), ownerOnly: true);
                output.WriteLine($"issued {keys.Certificate.Address} (user id {keys.Certificate.UserId}, serial {serial}) -> {target}");
                return 0;
            }
            case "issue-node":
            {
                var key = options.Positional.Count == 2 ? options.Positional[1].Trim() : throw new UsageException("epost ca issue-node PUBKEY (the node's public key, as epost init prints it)");
                var publicKey = NodePublicKey(key);
                var ca = OpenCa(keyPath, caPassphraseFile, input);
                if (ca is null) return 1;
                var serial = serialOption is null ? NextSerial(dir) : ulong.TryParse(serialOption, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : throw new UsageException("--serial takes a number.");
                var certificate = ca.IssueNode(publicKey, serial);
                var target = outDir ?? Path.Combine(dir, "nodes", certificate.NodeId + ".cert");
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target))!);
                DurableFile.WriteAtomically(target, certificate.Encode(), ownerOnly: false);
                output.WriteLine($"issued node {certificate.NodeId} (serial {serial}) -> {target}; copy it to the node's data dir as node.cert");
                return 0;
            }
            case "issue-device":
            {
                // Signed by the user, not by the CA: a CA-certified user admits one of their own devices.
                var key = options.Positional.Count == 2 ? options.Positional[1].Trim() : throw new UsageException("epost ca issue-device PUBKEY --key USER.key --device N");
                var publicKey = NodePublicKey(key);
                if (userKeyFile is null) throw new UsageException("issue-device needs --key (the user's key file from epost ca issue).");
                if (!ulong.TryParse(deviceOption, NumberStyles.None, CultureInfo.InvariantCulture, out var device))
                    throw new UsageException("issue-device needs --device N (0, 1, ... below the ring's max-devices-per-user).");
                UserKeys user;
                try
                {
                    user = PassphraseKeyFile.OpenUserKeys(File.ReadAllText(userKeyFile), Passphrase(userPassphraseFile, "EPOST_USER_PASSPHRASE", input, "user passphrase"));
                }
                catch (Exception e) when (e is KeyFileException or IOException)
                {
                    Console.Error.WriteLine($"cannot open {userKeyFile}: {e.Message}");
                    return 1;
                }
                var certificate = NodeCertificate.IssueForDevice(user, publicKey, device);
                var target = outDir ?? certificate.NodeId + ".cert";
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target))!);
                DurableFile.WriteAtomically(target, certificate.Encode(), ownerOnly: false);
                output.WriteLine($"issued node {certificate.NodeId} as device {device} of {user.Certificate.Address} -> {target}; copy it to the node's data dir as node.cert");
                return 0;
            }
            case "revoke-node":
            {
                if (options.Positional.Count < 2) throw new UsageException("epost ca revoke-node NODEID...");
                var ids = options.Positional.Skip(1).Select(a => RingId.TryParse(a.Trim(), out var id) ? id : throw new UsageException($"'{a}' is not a node id (40 hex digits).")).ToList();
                var listPath = Path.Combine(dir, "node.revocations");
                NodeRevocationList? previous = null;
                if (File.Exists(listPath) && !NodeRevocationList.TryDecode(File.ReadAllBytes(listPath), out previous, out var reason))
                {
                    Console.Error.WriteLine($"cannot read {listPath}: {reason}");
                    return 1;
                }
                var ca = OpenCa(keyPath, caPassphraseFile, input);
                if (ca is null) return 1;
                var list = ca.RevokeNodes((previous?.Number ?? 0) + 1, (previous?.Revoked ?? []).Concat(ids));
                DurableFile.WriteAtomically(listPath, list.Encode(), ownerOnly: false);
                if (outDir is not null) DurableFile.WriteAtomically(outDir, list.Encode(), ownerOnly: false);
                output.WriteLine($"revocation list {list.Number}: {list.Revoked.Count} nodes -> {outDir ?? listPath}; give it to every node as node.revocations");
                return 0;
            }
            default:
                throw new UsageException($"unknown ca action '{action}'; use init, issue, issue-node or revoke-node.");
        }
    }

    private static byte[] NodePublicKey(string key)
    {
        if (RingId.TryParse(key, out _))
            throw new UsageException("that is a node id; a node certificate names the node's public key (64 hex digits, as epost init prints it), whose hash is the id.");
        byte[] publicKey;
        try { publicKey = Convert.FromHexString(key); }
        catch (FormatException) { throw new UsageException($"'{key}' is not a node public key (64 hex digits, as epost init prints it)."); }
        if (!Ed25519.IsValidPublicKey(publicKey)) throw new UsageException($"'{key}' is not a node public key (64 hex digits, as epost init prints it).");
        return publicKey;
    }

    private static CertificateAuthority? OpenCa(string keyPath, string? passphraseFile, TextReader input)
    {
        if (!File.Exists(keyPath)) { Console.Error.WriteLine($"no CA key at {keyPath}; run epost ca init first"); return null; }
        try
        {
            return PassphraseKeyFile.OpenCertificateAuthority(File.ReadAllText(keyPath), Passphrase(passphraseFile, "EPOST_CA_PASSPHRASE", input, "CA passphrase"));
        }
        catch (KeyFileException e)
        {
            Console.Error.WriteLine($"cannot open {keyPath}: {e.Message}");
            return null;
        }
    }

    private static string Passphrase(string? file, string variable, TextReader input, string what)
    {
        var passphrase = file is not null
                ? File.Exists(file) ? File.ReadAllText(file).TrimEnd('\r', '\n') : throw new UsageException($"the {what} file '{file}' does not exist.")
            : Environment.GetEnvironmentVariable(variable) is { Length: > 0 } fromEnv ? fromEnv
            : input.ReadLine();
        if (string.IsNullOrEmpty(passphrase)) throw new UsageException($"a {what} is required (--*passphrase-file, {variable}, or a line on stdin).");
        return passphrase;
    }

    /// <summary>Certificate serials count up per CA, recorded durably next to the CA key.</summary>
    private static ulong NextSerial(string dir)
    {
        var path = Path.Combine(dir, "ca.serial");
        var next = (File.Exists(path) && ulong.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var last) ? last : 0) + 1;
        DurableFile.WriteAtomically(path, Encoding.ASCII.GetBytes(next.ToString(CultureInfo.InvariantCulture)), ownerOnly: false);
        return next;
    }
}
