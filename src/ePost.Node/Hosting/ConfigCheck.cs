using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Akka.Configuration;
using Akka.Configuration.Hocon;
using ePost.Mail.Delivery;
using ePost.Mail.Smtp;
using ePost.Overlay;
using ePost.Post;
using ePost.Storage.Glacier;
using ePost.Storage.Replication;

namespace ePost.Node.Hosting;

/// <summary>
/// Checks a node's whole configuration once, before anything starts: every key under <c>epost</c> must be one the
/// shipped defaults (<c>hocon/*.conf</c>) know and have the default's type, every layer's settings must be valid, the key
/// files must open, the bootstrap addresses must be node addresses, and the ports to bind must be free. Each problem is
/// one line naming the setting and what is wrong.
/// </summary>
public static partial class ConfigCheck
{
    /// <summary>Every problem with <paramref name="config"/> (a complete node configuration, see <see cref="NodeConfig.Build"/>); empty when it is fine.</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="checkPorts">Also bind each configured port once to see that it is free (off for configurations not about to start).</param>
    public static IReadOnlyList<string> Problems(Config config, bool checkPorts = true)
    {
        var problems = new List<string>();
        for (var layer = config; layer is not null; layer = layer.Fallback)
        {
            if (layer.Root?.IsObject() != true) continue;
            foreach (var (key, value) in layer.Root.GetObject().Items)
            {
                if (key == "epost") Walk(value, "epost", problems);
                // Nothing but Akka reads anything else: a top-level key of its own is a typo (epost-node, epst).
                else if (key != "akka") problems.Add($"{key}: unknown setting (the node's settings are under epost, Akka's under akka)");
            }
        }
        // Wrong keys and types first: the layers' own checks would only repeat them less clearly.
        if (problems.Count > 0) return problems.Distinct().ToList();

        void Check(string section, Action check)
        {
            try
            {
                check();
            }
            catch (Exception e)
            {
                problems.Add(e is ConfigurationException ? e.Message : $"{section}: {e.Message}");
            }
        }

        NodeSettings? node = null;
        Check("epost.node", () => node = NodeSettings.Create(config));
        Check("epost.overlay", () => OverlaySettings.Create(config));
        Check("epost.storage", () => StorageSettings.Create(config));
        Check("epost.storage.glacier", () => GlacierSettings.Create(config));
        Check("epost.post", () => PostSettings.Create(config));
        Check("epost.mail.delivery", () => DeliverySettings.Create(config));
        Check("epost.mail.smtp", () => SmtpErrorLimits.Create(config));
        var users = 0;
        Check("epost.post.users", () => users = NodeMail.LoadUsers(config).Count);
        var mail = config.GetConfig("epost.mail");
        Check("epost.mail", () => CheckMail(mail));
        Dashboard.DashboardSettings? dashboard = null;
        Check("epost.dashboard", () => dashboard = Dashboard.DashboardSettings.Create(config));
        if (node is not null)
        {
            Check("epost.node.data-dir", () => CheckDataDir(node.DataDir));
            var protocol = "akka.tcp";
            Check("epost.transport", () => protocol = TransportSettings.Create(config).Tls ? "akka.ssl.tcp" : "akka.tcp");
            foreach (var address in node.Bootstrap) Check("epost.node.bootstrap", () => CheckBootstrap(address, node.SystemName, protocol));
            if (checkPorts && problems.Count == 0)
            {
                if (node.Port > 0) Check("epost.node.port", () => CheckFree("epost.node", node.Host, "port", node.Port));
                // The mail listeners start only for a node that serves users (and so has a ring CA).
                var servesMail = users > 0 && config.GetString("epost.storage.certificate-authority", "").Length > 0;
                foreach (var key in servesMail ? MailPortKeys : [])
                {
                    var port = mail.GetInt(key);
                    if (port > 0) Check("epost.mail." + key, () => CheckFree("epost.mail", mail.GetString("listen-host"), key, port));
                }
                if (servesMail && dashboard is { Port: > 0 } d)
                    Check("epost.dashboard.port", () => CheckFree("epost.dashboard", d.ListenHost.ToString(), "port", d.Port));
            }
        }
        return problems.Distinct().ToList();
    }

    private static readonly string[] MailPortKeys = ["smtp-port", "smtps-port", "gateway-port", "pop3-port", "pop3s-port", "imap-port", "imaps-port"];

    private static void Walk(HoconValue value, string path, List<string> problems)
    {
        var expected = NodeConfig.Defaults.HasPath(path) ? NodeConfig.Defaults.GetValue(path) : null;
        if (expected is null)
        {
            problems.Add($"{path}: unknown setting{Suggestion(path)}");
            return;
        }
        if (expected.IsObject())
        {
            if (!value.IsObject())
            {
                problems.Add($"{path}: must be a section {{ ... }}, not {Show(value)}");
                return;
            }
            foreach (var (key, child) in value.GetObject().Items) Walk(child, path + "." + key, problems);
            return;
        }
        if (value.IsObject())
        {
            problems.Add($"{path}: must be {Kind(expected)}, not a section {{ ... }}");
            return;
        }
        if (IsList(expected) != IsList(value))
        {
            problems.Add($"{path}: must be {Kind(expected)}, not {Show(value)}");
            return;
        }
        if (IsList(value)) return;
        var text = value.GetString() ?? "";
        var ok = KindOf(expected) switch
        {
            ValueKind.Boolean => Booleans.Contains(text),
            ValueKind.Integer => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
            ValueKind.Number => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
            ValueKind.Duration => DurationPattern().IsMatch(text),
            ValueKind.ByteSize => ByteSizePattern().IsMatch(text),
            _ => true,
        };
        if (!ok) problems.Add($"{path}: must be {Kind(expected)}, not {Show(value)}");
    }

    private enum ValueKind { Text, Boolean, Integer, Number, Duration, ByteSize }

    private static readonly HashSet<string> Booleans = new(["true", "false", "on", "off", "yes", "no"], StringComparer.Ordinal);

    private static ValueKind KindOf(HoconValue expected)
    {
        var text = expected.GetString() ?? "";
        if (Booleans.Contains(text)) return ValueKind.Boolean;
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)) return ValueKind.Integer;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) return ValueKind.Number;
        if (DurationPattern().IsMatch(text)) return ValueKind.Duration;
        if (ByteSizePattern().IsMatch(text)) return ValueKind.ByteSize;
        return ValueKind.Text;
    }

    // An empty list "[]" is not IsArray() to the HOCON library (a list with a blank element "[ ]" is).
    private static bool IsList(HoconValue value) => value.Values.Count > 0 && value.Values.All(v => v is HoconArray);

    private static string Kind(HoconValue expected) => IsList(expected)
        ? "a list [ ... ]"
        : KindOf(expected) switch
        {
            ValueKind.Boolean => "true or false",
            ValueKind.Integer => "a whole number",
            ValueKind.Number => "a number",
            ValueKind.Duration => "a duration such as 5s, 500ms or 2m",
            ValueKind.ByteSize => "a size such as 128000b or 64MiB",
            _ => "a string",
        };

    private static string Show(HoconValue value) =>
        IsList(value) ? "a list" : value.IsObject() ? "a section" : "\"" + (value.GetString() ?? "") + "\"";

    [GeneratedRegex(@"^\s*\d+(\.\d+)?\s*(ns|nanos?|nanoseconds?|us|micros?|microseconds?|ms|millis?|milliseconds?|s|seconds?|m|minutes?|h|hours?|d|days?)\s*$")]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"^\s*\d+\s*(b|B|bytes?|k|kB|KiB|K|m|MB|MiB|M|g|GB|GiB|G)\s*$")]
    private static partial Regex ByteSizePattern();

    /// <summary>" (did you mean x?)" for the known sibling key nearest to a mistyped one.</summary>
    private static string Suggestion(string path)
    {
        var dot = path.LastIndexOf('.');
        var parent = path[..dot];
        var name = path[(dot + 1)..];
        if (!NodeConfig.Defaults.HasPath(parent) || NodeConfig.Defaults.GetValue(parent) is not { } section || !section.IsObject()) return "";
        var nearest = section.GetObject().Items.Keys.Select(k => (Key: k, Distance: Distance(k, name))).OrderBy(k => k.Distance).FirstOrDefault();
        return nearest.Key is not null && nearest.Distance <= Math.Max(2, name.Length / 3) ? $" (did you mean {parent}.{nearest.Key}?)" : $" (no such key under {parent})";
    }

    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var previous = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }
        return row[b.Length];
    }

    private static void CheckMail(Config mail)
    {
        if (!IPAddress.TryParse(mail.GetString("listen-host"), out _))
            throw new ConfigurationException($"epost.mail.listen-host: must be an IP address such as 127.0.0.1 or 0.0.0.0, not \"{mail.GetString("listen-host")}\"");
        if (mail.GetString("host-name").Length == 0) throw new ConfigurationException("epost.mail.host-name: must not be empty");
        foreach (var key in MailPortKeys)
        {
            var port = mail.GetInt(key);
            if (port is < -1 or > 65535) throw new ConfigurationException($"epost.mail.{key}: must be -1 (off), 0 (any free port) or 1..65535, not {port}");
        }
        if (mail.GetLong("max-message-bytes") <= 0) throw new ConfigurationException("epost.mail.max-message-bytes: must be positive");
        if (mail.GetTimeSpan("backend-timeout") <= TimeSpan.Zero) throw new ConfigurationException("epost.mail.backend-timeout: must be positive");
        var certificate = mail.GetString("tls-certificate", "");
        if (certificate.Length > 0)
        {
            if (!File.Exists(certificate)) throw new ConfigurationException($"epost.mail.tls-certificate: no file '{certificate}'");
            try
            {
                using var _ = Mail.Tls.NodeCertificate.Load(certificate, mail.GetString("tls-password", "") is { Length: > 0 } password ? password : null);
            }
            catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or InvalidOperationException or ArgumentException)
            {
                throw new ConfigurationException($"epost.mail.tls-certificate: '{certificate}' does not open with epost.mail.tls-password: {e.Message}");
            }
        }
    }

    private static void CheckDataDir(string dataDir)
    {
        try
        {
            // The node creates it on first start anyway; creating it here finds a path that cannot be one.
            Directory.CreateDirectory(dataDir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ConfigurationException($"epost.node.data-dir: cannot create the directory '{dataDir}': {e.Message}");
        }
    }

    private static void CheckBootstrap(string address, string systemName, string protocol)
    {
        Akka.Actor.Address parsed;
        try
        {
            parsed = Akka.Actor.Address.Parse(address);
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException)
        {
            throw new ConfigurationException($"epost.node.bootstrap: \"{address}\" is not a node address such as {protocol}://{systemName}@host:4000");
        }
        if (parsed.Protocol != protocol && parsed.Protocol is "akka.tcp" or "akka.ssl.tcp")
            throw new ConfigurationException($"epost.node.bootstrap: \"{address}\" uses {parsed.Protocol}, but this node's transport is {protocol} (epost.transport.tls)");
        if (parsed.Protocol != protocol || parsed.Host is null or "" || parsed.Port is null or <= 0 or > 65535)
            throw new ConfigurationException($"epost.node.bootstrap: \"{address}\" is not a node address such as {protocol}://{systemName}@host:4000");
        if (parsed.System != systemName)
            throw new ConfigurationException($"epost.node.bootstrap: \"{address}\" names the actor system '{parsed.System}', but this ring's epost.node.system-name is '{systemName}'");
    }

    private static void CheckFree(string section, string host, string key, int port)
    {
        if (!IPAddress.TryParse(host, out var ip))
        {
            try
            {
                ip = Dns.GetHostAddresses(host).FirstOrDefault() ?? throw new SocketException((int)SocketError.HostNotFound);
            }
            catch (SocketException)
            {
                throw new ConfigurationException($"{section}: the host \"{host}\" to listen on does not resolve");
            }
        }
        var listener = new TcpListener(ip, port);
        try
        {
            listener.Start();
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new ConfigurationException($"{section}.{key}: port {port} on {ip} is already in use");
        }
        catch (SocketException e)
        {
            throw new ConfigurationException($"{section}.{key}: cannot listen on {ip} port {port}: {e.Message}");
        }
        finally
        {
            listener.Stop();
        }
    }
}
