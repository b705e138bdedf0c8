using Akka.Configuration;
using ePost.Mail.Autoconfig;
using ePost.Node.Cli;
using ePost.Node.Hosting;

namespace ePost.Node.Commands;

/// <summary>
/// <c>epost autoconfig</c>: prints Thunderbird's autoconfig document (<c>config-v1.1.xml</c>) for a user, from a running
/// devnet's <c>devnet.json</c> or from a node's mail settings.
/// </summary>
public static class AutoconfigCommand
{
    /// <summary>The verb.</summary>
    public static Verb Verb => new("autoconfig", "print Thunderbird's config-v1.1.xml for a user: --user ADDRESS [--devnet DIR | " + NodeOptions.Usage + "]", Run);

    private static Task<int> Run(IReadOnlyList<string> args, CancellationToken cancel)
    {
        var options = Arguments.Parse(args);
        var address = options.Get("user") ?? throw new UsageException("--user ADDRESS is required.");
        if (address.LastIndexOf('@') is var at && (at <= 0 || at == address.Length - 1)) throw new UsageException($"--user takes a mail address, not '{address}'.");
        MailServerPorts ports;
        if (options.Get("devnet") is { } devnet)
        {
            options.RejectUnknown();
            var user = DevnetJson.ReadOption(devnet).Users.FirstOrDefault(u => string.Equals(u.Address, address, StringComparison.OrdinalIgnoreCase))
                       ?? throw new UsageException($"--user: {address} is not a user of the devnet in {devnet}.");
            ports = new MailServerPorts(user.Host, user.ImapPort, user.ImapsPort, user.Pop3Port, user.Pop3sPort, user.SmtpPort, user.SmtpsPort);
        }
        else
        {
            var overrides = NodeOptions.Overrides(options);
            options.RejectUnknown();
            ports = ForNode(NodeConfig.BuildChecked(overrides, checkPorts: false));
        }
        Console.Write(ThunderbirdAutoconfig.Generate(ports, address));
        return Task.FromResult(0);
    }

    /// <summary>
    /// Where a node with this configuration serves mail: <c>epost.mail.host-name</c> and the configured ports (a listener
    /// that is off, -1, or on a port picked at start-up, 0, is left out).
    /// </summary>
    public static MailServerPorts ForNode(Config config)
    {
        var mail = config.GetConfig("epost.mail");
        return new MailServerPorts(mail.GetString("host-name"), mail.GetInt("imap-port"), mail.GetInt("imaps-port"), mail.GetInt("pop3-port"),
            mail.GetInt("pop3s-port"), mail.GetInt("smtp-port"), mail.GetInt("smtps-port"));
    }
}
