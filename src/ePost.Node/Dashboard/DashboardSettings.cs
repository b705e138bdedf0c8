using System.Net;
using Akka.Configuration;

namespace ePost.Node.Dashboard;

/// <summary>Where the dashboard listens (<c>epost.dashboard</c>; defaults in <c>hocon/node.conf</c>).</summary>
/// <param name="ListenHost">The interface to bind.</param>
/// <param name="Port">The TCP port: 0 for a free one, -1 when the dashboard is off.</param>
/// <param name="SessionLifetime">How long a login through the page lasts.</param>
public sealed record DashboardSettings(IPAddress ListenHost, int Port, TimeSpan SessionLifetime)
{
    /// <summary>True when the dashboard runs at all.</summary>
    public bool Enabled => Port >= 0;

    /// <summary>True when it listens on a loopback interface only (plain HTTP then; HTTPS otherwise).</summary>
    public bool LoopbackOnly => IPAddress.IsLoopback(ListenHost);

    /// <summary>Reads <c>epost.dashboard</c>.</summary>
    /// <exception cref="ConfigurationException">When a value is not usable; the message names the setting.</exception>
    public static DashboardSettings Create(Config config)
    {
        var c = config.GetConfig("epost.dashboard");
        var host = c.GetString("listen-host", "127.0.0.1");
        if (!IPAddress.TryParse(host, out var address))
            throw new ConfigurationException($"epost.dashboard.listen-host must be an IP address such as 127.0.0.1 or 0.0.0.0, not '{host}'.");
        var port = c.GetInt("port", 2080);
        if (port is < -1 or > 65535) throw new ConfigurationException($"epost.dashboard.port must be -1 (off), 0 (any free port) or a TCP port, not {port}.");
        var lifetime = c.GetTimeSpan("session-lifetime", TimeSpan.FromHours(12));
        if (lifetime <= TimeSpan.Zero) throw new ConfigurationException("epost.dashboard.session-lifetime must be positive.");
        return new DashboardSettings(address, port, lifetime);
    }
}
