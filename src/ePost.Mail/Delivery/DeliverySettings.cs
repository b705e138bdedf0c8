using Akka.Configuration;
using ePost.Core.Configuration;

namespace ePost.Mail.Delivery;

/// <summary>How the outbound relay connection is protected.</summary>
public enum RelayTls
{
    /// <summary>Plain text (only for a relay on a trusted network).</summary>
    None,

    /// <summary>STARTTLS, required: a relay that does not offer it is a temporary failure.</summary>
    StartTls,

    /// <summary>STARTTLS when the relay offers it, plain text otherwise.</summary>
    Opportunistic,

    /// <summary>TLS from the first byte (submissions port 465).</summary>
    Implicit,
}

/// <summary>The outbound relay: where mail to addresses outside the ring goes.</summary>
/// <param name="Host">Relay host name; empty when the node has no relay.</param>
/// <param name="Port">Relay port.</param>
/// <param name="Tls">Connection protection.</param>
/// <param name="User">Login at the relay, or empty to send without AUTH.</param>
/// <param name="Password">Password for <paramref name="User"/>.</param>
/// <param name="Timeout">Bound on one connection's whole exchange.</param>
public sealed record RelaySettings(string Host, int Port, RelayTls Tls, string User, string Password, TimeSpan Timeout)
{
    /// <summary>True when a relay host is configured.</summary>
    public bool IsConfigured => Host.Length > 0;

    /// <summary>The settings with the password masked: records print themselves into logs (Akka logs an actor's arguments when it fails to start).</summary>
    public override string ToString() =>
        $"RelaySettings {{ Host = {Host}, Port = {Port}, Tls = {Tls}, User = {User}, Password = {(Password.Length > 0 ? "***" : "")}, Timeout = {Timeout} }}";
}

/// <summary>The delivery agent's settings, read once from <c>epost.mail.delivery</c> (defaults: <c>hocon/mail.conf</c>).</summary>
/// <param name="HostName">EHLO name and Reporting-MTA of bounces.</param>
/// <param name="Relay">The outbound relay.</param>
/// <param name="FirstRetry">Wait after the first temporary failure; doubled after each further one.</param>
/// <param name="MaxRetry">Longest wait between attempts.</param>
/// <param name="GiveUpAfter">Age (since acceptance) after which undelivered recipients are bounced.</param>
/// <param name="ScanInterval">Safety-net listing of the spool directory.</param>
/// <param name="MaxConcurrent">Messages delivered at the same time.</param>
public sealed record DeliverySettings(
    string HostName,
    RelaySettings Relay,
    TimeSpan FirstRetry,
    TimeSpan MaxRetry,
    TimeSpan GiveUpAfter,
    TimeSpan ScanInterval,
    int MaxConcurrent)
{
    /// <summary>The documented defaults, embedded from <c>hocon/mail.conf</c>.</summary>
    public static Config DefaultConfig { get; } = EmbeddedConfig.Load(typeof(DeliverySettings).Assembly, "ePost.Mail.mail.conf");

    /// <summary>The defaults as settings.</summary>
    public static DeliverySettings Default { get; } = Create(DefaultConfig);

    /// <summary>Reads <c>epost.mail.delivery</c> from <paramref name="config"/>, falling back to the defaults.</summary>
    /// <exception cref="ConfigurationException">A value is out of range, with the key named.</exception>
    public static DeliverySettings Create(Config config)
    {
        var c = (ReferenceEquals(config, DefaultConfig) ? config : config.WithFallback(DefaultConfig)).GetConfig("epost.mail.delivery");
        var tls = c.GetString("relay.tls") switch
        {
            "none" => RelayTls.None,
            "starttls" => RelayTls.StartTls,
            "opportunistic" => RelayTls.Opportunistic,
            "implicit" => RelayTls.Implicit,
            var other => throw new ConfigurationException($"epost.mail.delivery.relay.tls must be none, starttls, opportunistic or implicit, not '{other}'."),
        };
        var relay = new RelaySettings(c.GetString("relay.host"), c.GetInt("relay.port"), tls, c.GetString("relay.user"), c.GetString("relay.password"),
            c.GetTimeSpan("relay.timeout"));
        var settings = new DeliverySettings(c.GetString("host-name"), relay, c.GetTimeSpan("first-retry"), c.GetTimeSpan("max-retry"),
            c.GetTimeSpan("give-up-after"), c.GetTimeSpan("scan-interval"), c.GetInt("max-concurrent"));
        settings.Validate();
        return settings;
    }

    /// <summary>Checks the ranges; <see cref="Create"/> calls it, code that builds settings by hand should too.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(HostName)) throw new ConfigurationException("epost.mail.delivery.host-name must not be empty.");
        if (Relay.Port is < 1 or > 65535) throw new ConfigurationException("epost.mail.delivery.relay.port must be 1..65535.");
        if (Relay.Timeout <= TimeSpan.Zero) throw new ConfigurationException("epost.mail.delivery.relay.timeout must be positive.");
        if (FirstRetry <= TimeSpan.Zero) throw new ConfigurationException("epost.mail.delivery.first-retry must be positive.");
        if (MaxRetry < FirstRetry) throw new ConfigurationException("epost.mail.delivery.max-retry must be at least first-retry.");
        if (GiveUpAfter <= TimeSpan.Zero) throw new ConfigurationException("epost.mail.delivery.give-up-after must be positive.");
        if (ScanInterval <= TimeSpan.Zero) throw new ConfigurationException("epost.mail.delivery.scan-interval must be positive.");
        if (MaxConcurrent < 1) throw new ConfigurationException("epost.mail.delivery.max-concurrent must be at least 1.");
    }
}
