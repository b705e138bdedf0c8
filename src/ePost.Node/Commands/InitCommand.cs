using ePost.Node.Cli;
using ePost.Node.Hosting;
using ePost.Node.Identity;

namespace ePost.Node.Commands;

/// <summary>
/// <c>epost init</c>: creates a node's data dir and key (run does this on first start too) and prints the node's
/// public key and the command the ring CA operator runs to certify it.
/// </summary>
public static class InitCommand
{
    /// <summary>The verb.</summary>
    public static Verb Verb => new("init", "create a node key and data dir: [--data-dir DIR]", (args, _) =>
    {
        var options = Arguments.Parse(args);
        var overrides = NodeOptions.Overrides(options);
        options.RejectUnknown();
        var settings = NodeSettings.Create(NodeConfig.BuildChecked(overrides, checkPorts: false));
        var existed = NodeIdentity.Exists(settings.DataDir);
        var identity = NodeIdentity.LoadOrCreate(settings.DataDir);
        var certificate = TransportSettings.Create(NodeConfig.Build(overrides)).NodeCertificatePath;
        Console.WriteLine($"{(existed ? "existing" : "new")} node {identity.Id} in {Path.GetFullPath(settings.DataDir)}");
        Console.WriteLine($"public key {Convert.ToHexStringLower(identity.PublicKey)}");
        Console.WriteLine(File.Exists(certificate)
            ? $"certificate {Path.GetFullPath(certificate)}"
            : $"to admit this node, the ring CA operator runs: epost ca issue-node {Convert.ToHexStringLower(identity.PublicKey)} --out {Path.GetFullPath(certificate)}");
        return Task.FromResult(0);
    });
}
