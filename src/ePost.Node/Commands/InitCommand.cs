using ePost.Node.Cli;
using ePost.Node.Hosting;
using ePost.Node.Identity;

namespace ePost.Node.Commands;

/// <summary><c>epost init</c>: creates a node's data dir and key (run does this on first start too).</summary>
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
        Console.WriteLine($"{(existed ? "existing" : "new")} node {identity.Id} in {Path.GetFullPath(settings.DataDir)}");
        return Task.FromResult(0);
    });
}
