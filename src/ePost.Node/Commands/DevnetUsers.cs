using System.Security.Cryptography;
using System.Text;
using ePost.Core.Crypto;
using ePost.Node.Identity;
using ePost.Post.Access;

namespace ePost.Node.Commands;

/// <summary>One devnet user: its address, its mail password and its keys.</summary>
public sealed record DevnetUser(string Address, string Password, UserKeys Keys)
{
    /// <summary>The user as a node serves it.</summary>
    public LocalUser ToLocalUser() => new(Keys, Password);
}

/// <summary>
/// The devnet's certificate authority and users, kept in the devnet's data directory so a restarted devnet serves the
/// same mailboxes: <c>devnet-ca.key</c> and <c>users/NAME.key</c> (passphrase key files; the CA's passphrase is
/// "devnet", each user's is that user's mail password, kept next to it in <c>users/NAME.pass</c>). A development
/// ring only: nothing here is secret from whoever can read the directory.
/// </summary>
public static class DevnetUsers
{
    /// <summary>The devnet's mail domain.</summary>
    public const string Domain = "devnet.test";

    private const string CaPassphrase = "devnet";
    private static readonly string[] Names = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"];

    // Cheap on purpose: these files protect nothing of value and the devnet should start in a second.
    private static readonly Argon2idCost Cost = new(8 * 1024, 1, 1);

    /// <summary>The address of the <paramref name="index"/>th user (0-based).</summary>
    public static string AddressOf(int index) => (index < Names.Length ? Names[index] : $"user{index + 1}") + "@" + Domain;

    /// <summary>Loads the devnet CA and <paramref name="count"/> users from <paramref name="dataDir"/>, creating what is missing.</summary>
    public static (CertificateAuthority Ca, IReadOnlyList<DevnetUser> Users) LoadOrCreate(string dataDir, int count)
    {
        Directory.CreateDirectory(Path.Combine(dataDir, "users"));
        var caPath = Path.Combine(dataDir, "devnet-ca.key");
        CertificateAuthority ca;
        if (File.Exists(caPath))
        {
            ca = PassphraseKeyFile.OpenCertificateAuthority(File.ReadAllText(caPath), CaPassphrase);
        }
        else
        {
            ca = CertificateAuthority.Create(RandomNumberGenerator.Create());
            DurableFile.WriteAtomically(caPath, Encoding.UTF8.GetBytes(PassphraseKeyFile.Seal(ca, CaPassphrase, Cost, RandomNumberGenerator.Create())), ownerOnly: true);
        }
        var users = new List<DevnetUser>();
        for (var i = 0; i < count; i++)
        {
            var address = AddressOf(i);
            var name = address[..address.IndexOf('@')];
            var keyPath = Path.Combine(dataDir, "users", name + ".key");
            var passPath = Path.Combine(dataDir, "users", name + ".pass");
            if (File.Exists(keyPath) && File.Exists(passPath))
            {
                var password = File.ReadAllText(passPath).Trim();
                users.Add(new DevnetUser(address, password, PassphraseKeyFile.OpenUserKeys(File.ReadAllText(keyPath), password)));
                continue;
            }
            var fresh = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
            var keys = ca.IssueNewUser(address, (ulong)i + 1, RandomNumberGenerator.Create());
            DurableFile.WriteAtomically(keyPath, Encoding.UTF8.GetBytes(PassphraseKeyFile.Seal(keys, fresh, Cost, RandomNumberGenerator.Create())), ownerOnly: true);
            DurableFile.WriteAtomically(passPath, Encoding.UTF8.GetBytes(fresh + "\n"), ownerOnly: true);
            users.Add(new DevnetUser(address, fresh, keys));
        }
        return (ca, users);
    }
}
