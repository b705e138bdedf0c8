using Akka.Configuration;
using ePost.Core.Configuration;

namespace ePost.Node.Hosting;

/// <summary>The node's own settings (<c>epost.node</c>; defaults in <c>hocon/node.conf</c>).</summary>
public sealed record NodeSettings(string SystemName, string Host, int Port, string PublicHostname, string DataDir, IReadOnlyList<string> Bootstrap)
{
    /// <summary>Reads <c>epost.node</c> from a complete node configuration.</summary>
    public static NodeSettings Create(Config config)
    {
        var c = config.GetConfig("epost.node");
        var port = c.GetInt("port");
        if (port is < 0 or > 65535) throw new ConfigurationException($"epost.node.port must be 0..65535, not {port}.");
        return new NodeSettings(c.GetString("system-name"), c.GetString("host"), port, c.GetString("public-hostname", ""),
            c.GetString("data-dir"), c.GetStringList("bootstrap").Where(b => b.Length > 0).ToList());
    }
}

/// <summary>Builds a node's complete configuration from the embedded defaults and the operator's overrides.</summary>
public static class NodeConfig
{
    /// <summary>node.conf, overlay.conf, storage.conf, post.conf, mail.conf and akka.conf, as shipped in <c>hocon/</c>.</summary>
    public static Config Defaults { get; } =
        EmbeddedConfig.Load(typeof(NodeConfig).Assembly, "ePost.Node.node.conf")
            .WithFallback(Overlay.OverlaySettings.DefaultConfig)
            .WithFallback(Storage.Replication.StorageSettings.DefaultConfig)
            .WithFallback(Post.PostSettings.DefaultConfig)
            .WithFallback(Mail.Delivery.DeliverySettings.DefaultConfig)
            .WithFallback(EmbeddedConfig.Load(typeof(NodeConfig).Assembly, "ePost.Node.akka.conf"));

    /// <summary>
    /// The configuration a node runs with: <paramref name="overrides"/> (highest), then the environment
    /// (EPOST_HOST, EPOST_PORT, EPOST_PUBLIC_HOST, EPOST_DATA_DIR, EPOST_BOOTSTRAP; for mail EPOST_CA_PUBLIC_KEY or
    /// EPOST_CA_PUBLIC_KEY_FILE, EPOST_USER_KEY_FILE with EPOST_USER_PASSPHRASE_FILE, EPOST_MAIL_LISTEN), then the defaults; and the
    /// Akka transport and journal settings derived from <c>epost.node</c>.
    /// </summary>
    public static Config Build(Config? overrides = null, IReadOnlyDictionary<string, string?>? environment = null) =>
        Derive(Layer(Layer(overrides ?? Config.Empty, FromEnvironment(environment)), Defaults));

    /// <summary>
    /// <see cref="Build"/> for a node about to start (<c>epost run</c>, <c>epost recover</c>): every setting is checked
    /// first (<see cref="ConfigCheck"/>), including that the ports are free.
    /// </summary>
    /// <exception cref="ConfigurationException">Naming every wrong setting, one per line.</exception>
    /// <param name="overrides">The operator's settings.</param>
    /// <param name="environment">The environment (null: the process's).</param>
    /// <param name="checkPorts">Also check that the ports to bind are free (off for verbs that bind nothing).</param>
    public static Config BuildChecked(Config? overrides = null, IReadOnlyDictionary<string, string?>? environment = null, bool checkPorts = true)
    {
        var layered = Layer(Layer(overrides ?? Config.Empty, FromEnvironment(environment)), Defaults);
        var problems = ConfigCheck.Problems(layered, checkPorts);
        if (problems.Count > 0) throw new ConfigurationException(string.Join("\n", problems));
        return Derive(layered);
    }

    private static Config Derive(Config config)
    {
        var node = NodeSettings.Create(config);
        var transport = ConfigurationFactory.ParseString($$"""
            akka.remote.dot-netty.tcp {
              hostname = {{Quote(node.Host)}}
              port = {{node.Port}}
              {{(node.PublicHostname.Length > 0 ? "public-hostname = " + Quote(node.PublicHostname) : "")}}
            }
            """);
        return transport.WithFallback(config).WithFallback(Post.PostPersistence.For(node.DataDir));
    }

    private static Config Layer(Config top, Config fallback) =>
        top.IsEmpty ? fallback : fallback.IsEmpty ? top : top.WithFallback(fallback);

    /// <summary>A HOCON string literal.</summary>
    public static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private static Config FromEnvironment(IReadOnlyDictionary<string, string?>? environment)
    {
        string? Get(string name) => environment is null ? Environment.GetEnvironmentVariable(name) : environment.GetValueOrDefault(name);
        var lines = new List<string>();
        if (Get("EPOST_HOST") is { Length: > 0 } host) lines.Add($"epost.node.host = {Quote(host)}");
        if (Get("EPOST_PORT") is { Length: > 0 } port) lines.Add($"epost.node.port = {Quote(port)}");
        if (Get("EPOST_PUBLIC_HOST") is { Length: > 0 } pub) lines.Add($"epost.node.public-hostname = {Quote(pub)}");
        if (Get("EPOST_DATA_DIR") is { Length: > 0 } dir) lines.Add($"epost.node.data-dir = {Quote(dir)}");
        var ca = Get("EPOST_CA_PUBLIC_KEY") is { Length: > 0 } key ? key
            : Get("EPOST_CA_PUBLIC_KEY_FILE") is { Length: > 0 } keyFile
                ? File.Exists(keyFile) ? File.ReadAllText(keyFile).Trim() : throw new ConfigurationException($"EPOST_CA_PUBLIC_KEY_FILE: no file '{keyFile}'.")
                : null;
        if (ca is not null) lines.Add($"epost.storage.certificate-authority = {Quote(ca)}");
        if (Get("EPOST_USER_KEY_FILE") is { Length: > 0 } userKey)
        {
            var passphraseFile = Get("EPOST_USER_PASSPHRASE_FILE") is { Length: > 0 } p ? p
                : throw new ConfigurationException("EPOST_USER_KEY_FILE needs EPOST_USER_PASSPHRASE_FILE (the file holding the key file's passphrase).");
            lines.Add($"epost.post.users = [ {{ key-file = {Quote(userKey)}, passphrase-file = {Quote(passphraseFile)} }} ]");
        }
        if (Get("EPOST_MAIL_LISTEN") is { Length: > 0 } listen) lines.Add($"epost.mail.listen-host = {Quote(listen)}");
        if (Get("EPOST_BOOTSTRAP") is { Length: > 0 } boot)
            lines.Add("epost.node.bootstrap = [" + string.Join(", ", boot.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Quote)) + "]");
        return lines.Count == 0 ? Config.Empty : ConfigurationFactory.ParseString(string.Join("\n", lines));
    }
}
