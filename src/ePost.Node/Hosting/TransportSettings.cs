using Akka.Configuration;

namespace ePost.Node.Hosting;

/// <summary>How nodes authenticate each other (<c>epost.transport</c>; defaults in <c>hocon/node.conf</c>).</summary>
/// <param name="Tls">True when connections between nodes are mutual TLS bound to node certificates.</param>
/// <param name="CertificateAuthority">The ring CA's public key that node certificates chain to; null when none is configured.</param>
/// <param name="NodeCertificatePath">Where this node's certificate is.</param>
/// <param name="RevocationListPath">Where the ring's node revocation list is (it need not exist).</param>
/// <param name="MaxDevicesPerUser">How many devices a user may admit.</param>
public sealed record TransportSettings(bool Tls, byte[]? CertificateAuthority, string NodeCertificatePath, string RevocationListPath, int MaxDevicesPerUser)
{
    /// <summary>The certificate file's name in the data dir.</summary>
    public const string NodeCertificateFile = "node.cert";

    /// <summary>The revocation list's name in the data dir.</summary>
    public const string RevocationListFile = "node.revocations";

    /// <summary>Reads <c>epost.transport</c> (and the CA key from <c>epost.storage</c> when the transport names none).</summary>
    /// <exception cref="ConfigurationException">When a value is not usable.</exception>
    public static TransportSettings Create(Config config)
    {
        var c = config.GetConfig("epost.transport");
        var dataDir = config.GetString("epost.node.data-dir");
        var tls = c.GetString("tls", "on").Trim().ToLowerInvariant() switch
        {
            "on" or "true" or "yes" => true,
            "off" or "false" or "no" => false,
            var other => throw new ConfigurationException($"epost.transport.tls must be on or off, not '{other}'."),
        };
        var caHex = c.GetString("certificate-authority", "") is { Length: > 0 } own ? own : config.GetString("epost.storage.certificate-authority", "");
        byte[]? ca = null;
        if (caHex.Length > 0)
        {
            try { ca = Convert.FromHexString(caHex.Trim()); }
            catch (FormatException) { ca = null; }
            if (ca is not { Length: Core.Crypto.Ed25519.PublicKeyLength })
                throw new ConfigurationException($"epost.transport.certificate-authority must be the CA's {Core.Crypto.Ed25519.PublicKeyLength}-byte Ed25519 public key in hex (epost ca init prints it).");
        }
        var devices = c.GetInt("max-devices-per-user", 3);
        if (devices is < 0 or > 1000) throw new ConfigurationException($"epost.transport.max-devices-per-user must be 0..1000, not {devices}.");
        string PathOr(string key, string file) => c.GetString(key, "") is { Length: > 0 } path ? path : Path.Combine(dataDir, file);
        return new TransportSettings(tls, ca, PathOr("node-certificate", NodeCertificateFile), PathOr("revocation-list", RevocationListFile), devices);
    }
}
