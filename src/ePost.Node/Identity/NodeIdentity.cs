using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using ePost.Core.Ids;
using Org.BouncyCastle.Crypto.Parameters;

namespace ePost.Node.Identity;

/// <summary>
/// A node's long-lived identity in its data dir: an Ed25519 key pair (<c>node.key</c>) whose public key fixes the
/// node id, and an epoch counter (<c>node.epoch</c>) that grows at every start so a restarted node is a new
/// incarnation to its peers.
/// </summary>
public sealed class NodeIdentity
{
    private const string KeyFile = "node.key";
    private const string EpochFile = "node.epoch";

    private readonly byte[] _seed;

    private NodeIdentity(byte[] seed, byte[] publicKey, string dataDir)
    {
        _seed = seed;
        PublicKey = publicKey;
        DataDir = dataDir;
        Id = RingId.FromSha256(publicKey);
    }

    /// <summary>The node id: first 160 bits of SHA-256 of the public key.</summary>
    public RingId Id { get; }

    /// <summary>The Ed25519 public key.</summary>
    public byte[] PublicKey { get; }

    /// <summary>The node's key pair, for what the node signs itself (Glacier manifests).</summary>
    public Core.Crypto.Ed25519KeyPair SigningKey => Core.Crypto.Ed25519.FromSeed(_seed);

    /// <summary>The data directory holding the identity.</summary>
    public string DataDir { get; }

    /// <summary>True when the directory already holds a node key.</summary>
    public static bool Exists(string dataDir) => File.Exists(Path.Combine(dataDir, KeyFile));

    /// <summary>Loads the identity in <paramref name="dataDir"/>, creating the directory and a new key when there is none.</summary>
    public static NodeIdentity LoadOrCreate(string dataDir)
    {
        Directory.CreateDirectory(dataDir);
        var path = Path.Combine(dataDir, KeyFile);
        if (!File.Exists(path))
        {
            var seed = RandomNumberGenerator.GetBytes(Ed25519PrivateKeyParameters.KeySize);
            var publicKey = new Ed25519PrivateKeyParameters(seed).GeneratePublicKey().GetEncoded();
            var json = JsonSerializer.SerializeToUtf8Bytes(new KeyFileContent(1, Convert.ToBase64String(seed), Convert.ToBase64String(publicKey)));
            DurableFile.WriteAtomically(path, json, ownerOnly: true);
            return new NodeIdentity(seed, publicKey, dataDir);
        }
        var content = JsonSerializer.Deserialize<KeyFileContent>(File.ReadAllBytes(path))
                      ?? throw new InvalidDataException($"{path} is empty.");
        if (content.Version != 1) throw new InvalidDataException($"{path} has unknown version {content.Version}.");
        var seedBytes = Convert.FromBase64String(content.PrivateKey);
        var derived = new Ed25519PrivateKeyParameters(seedBytes).GeneratePublicKey().GetEncoded();
        if (!derived.AsSpan().SequenceEqual(Convert.FromBase64String(content.PublicKey)))
            throw new InvalidDataException($"{path}: the public key does not match the private key.");
        return new NodeIdentity(seedBytes, derived, dataDir);
    }

    /// <summary>Increments and durably records the epoch for this start; returns the new epoch.</summary>
    public long NextEpoch()
    {
        var path = Path.Combine(DataDir, EpochFile);
        var previous = File.Exists(path) && long.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var e) ? e : 0;
        var next = previous + 1;
        DurableFile.WriteAtomically(path, System.Text.Encoding.ASCII.GetBytes(next.ToString(CultureInfo.InvariantCulture)), ownerOnly: false);
        return next;
    }

    private sealed record KeyFileContent(int Version, string PrivateKey, string PublicKey);
}
