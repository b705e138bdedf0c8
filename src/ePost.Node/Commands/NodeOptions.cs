using Akka.Configuration;
using ePost.Node.Cli;
using ePost.Node.Hosting;

namespace ePost.Node.Commands;

/// <summary>The command-line options every node-starting verb shares, turned into configuration overrides.</summary>
public static class NodeOptions
{
    /// <summary>Usage text for these options.</summary>
    public const string Usage = "[--config FILE] [--host H] [--port P] [--public-host H] [--data-dir DIR] [--bootstrap ADDR]... [--node-cert FILE] [--set path=value]...";

    /// <summary>Reads --config, --host, --port, --public-host, --data-dir, --bootstrap, --node-cert and --set into a config (highest priority first).</summary>
    public static Config Overrides(Arguments args)
    {
        var lines = new List<string>();
        foreach (var set in args.GetAll("set"))
        {
            var eq = set.IndexOf('=');
            if (eq <= 0) throw new UsageException($"--set takes path=value, not '{set}'.");
            lines.Add($"{set[..eq].Trim()} = {NodeConfig.Quote(set[(eq + 1)..])}");
        }
        if (args.Get("host") is { } host) lines.Add($"epost.node.host = {NodeConfig.Quote(host)}");
        if (args.Get("port") is { } port)
        {
            if (!int.TryParse(port, out var p) || p is < 0 or > 65535) throw new UsageException($"--port takes 0..65535, not '{port}'.");
            lines.Add($"epost.node.port = {p}");
        }
        if (args.Get("public-host") is { } pub) lines.Add($"epost.node.public-hostname = {NodeConfig.Quote(pub)}");
        if (args.Get("data-dir") is { } dir) lines.Add($"epost.node.data-dir = {NodeConfig.Quote(dir)}");
        if (args.Get("node-cert") is { } cert) lines.Add($"epost.transport.node-certificate = {NodeConfig.Quote(cert)}");
        var bootstrap = args.GetAll("bootstrap").SelectMany(b => b.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        if (bootstrap.Count > 0) lines.Add("epost.node.bootstrap = [" + string.Join(", ", bootstrap.Select(NodeConfig.Quote)) + "]");

        var config = lines.Count == 0 ? Config.Empty : ConfigurationFactory.ParseString(string.Join("\n", lines));
        if (args.Get("config") is { } file)
        {
            if (!File.Exists(file)) throw new UsageException($"--config: no file '{file}'.");
            Config parsed;
            try
            {
                parsed = ConfigurationFactory.ParseString(File.ReadAllText(file));
            }
            catch (Exception e) when (e is not IOException and not UnauthorizedAccessException)
            {
                // The HOCON parser's exceptions have no common type; whatever it says is about the file's syntax.
                throw new UsageException($"--config {file}: not valid HOCON: {e.Message}");
            }
            config = lines.Count == 0 ? parsed : config.WithFallback(parsed);
        }
        return config;
    }
}
