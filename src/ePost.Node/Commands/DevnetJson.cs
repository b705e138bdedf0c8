using System.Text.Json;
using System.Text.Json.Serialization;
using ePost.Core.Crypto;
using ePost.Node.Hosting;
using ePost.Node.Identity;

namespace ePost.Node.Commands;

/// <summary><c>devnet.json</c>: what scripts and tests need to use a running devnet as mail clients.</summary>
public static class DevnetJson
{
    /// <summary>The file name in the devnet's data directory.</summary>
    public const string FileName = "devnet.json";

    /// <summary>One user's mail settings.</summary>
    public sealed record User(
        [property: JsonPropertyName("address")] string Address,
        [property: JsonPropertyName("password")] string Password,
        [property: JsonPropertyName("host")] string Host,
        [property: JsonPropertyName("smtp_port")] int SmtpPort,
        [property: JsonPropertyName("smtps_port")] int SmtpsPort,
        [property: JsonPropertyName("pop3_port")] int Pop3Port,
        [property: JsonPropertyName("pop3s_port")] int Pop3sPort,
        [property: JsonPropertyName("imap_port")] int ImapPort,
        [property: JsonPropertyName("imaps_port")] int ImapsPort,
        [property: JsonPropertyName("node")] string Node,
        [property: JsonPropertyName("dashboard")] string? Dashboard = null)
    {
        /// <summary>Every node serving this user, the user's own first (<c>epost devnet --devices D</c> lists D).</summary>
        [JsonPropertyName("devices")]
        public IReadOnlyList<Device> Devices { get; init; } = [];
    }

    /// <summary>One node serving a user, with its mail ports; <see cref="Password"/> is the device's own mail password (null on the user's own node).</summary>
    public sealed record Device(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("node")] string Node,
        [property: JsonPropertyName("host")] string Host,
        [property: JsonPropertyName("smtp_port")] int SmtpPort,
        [property: JsonPropertyName("smtps_port")] int SmtpsPort,
        [property: JsonPropertyName("pop3_port")] int Pop3Port,
        [property: JsonPropertyName("pop3s_port")] int Pop3sPort,
        [property: JsonPropertyName("imap_port")] int ImapPort,
        [property: JsonPropertyName("imaps_port")] int ImapsPort,
        [property: JsonPropertyName("device_password")] string? Password);

    /// <summary>The whole file.</summary>
    public sealed record Document(
        [property: JsonPropertyName("users")] IReadOnlyList<User> Users,
        [property: JsonPropertyName("ca_public_key")] string CaPublicKey,
        [property: JsonPropertyName("nodes")] IReadOnlyList<string> Nodes);

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    /// <summary>Writes <c>devnet.json</c> and returns its path.</summary>
    public static string Write(string dataDir, CertificateAuthority ca, IReadOnlyList<DevnetUser> users, IReadOnlyList<NodeHost> nodes)
    {
        var entries = users.Select((u, i) =>
        {
            var mail = nodes[i].MailEndpoints!;
            var devices = Enumerable.Range(0, nodes.Count / users.Count).Select(d =>
            {
                var node = nodes[i + d * users.Count];
                var m = node.MailEndpoints!;
                return new Device(d == 0 ? "home" : $"device{d + 1}", node.Address, m.Host, m.Smtp, m.Smtps, m.Pop3, m.Pop3s, m.Imap, m.Imaps, DevnetDevices.PasswordOf(dataDir, u, d));
            }).ToList();
            return new User(u.Address, u.Password, mail.Host, mail.Smtp, mail.Smtps, mail.Pop3, mail.Pop3s, mail.Imap, mail.Imaps, nodes[i].Address, nodes[i].Dashboard?.Url.ToString())
                { Devices = devices };
        }).ToList();
        var path = Path.Combine(dataDir, FileName);
        DurableFile.WriteAtomically(path, JsonSerializer.SerializeToUtf8Bytes(new Document(entries, Convert.ToHexStringLower(ca.PublicKey), nodes.Select(n => n.Address).ToList()), Options), ownerOnly: true);
        return path;
    }

    /// <summary><see cref="Read"/> for the <c>--devnet</c> option: a file that cannot be read is a usage error naming the option.</summary>
    /// <exception cref="Cli.UsageException">When there is no readable devnet.json.</exception>
    public static Document ReadOption(string dataDirOrFile)
    {
        try
        {
            return Read(dataDirOrFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidDataException)
        {
            throw new Cli.UsageException($"--devnet: cannot read the devnet's {FileName} from '{dataDirOrFile}': {e.Message}");
        }
    }

    /// <summary>Reads a devnet's <c>devnet.json</c> (from its data directory, or the file itself).</summary>
    /// <exception cref="FileNotFoundException">When there is none.</exception>
    public static Document Read(string dataDirOrFile)
    {
        var path = Directory.Exists(dataDirOrFile) ? Path.Combine(dataDirOrFile, FileName) : dataDirOrFile;
        return JsonSerializer.Deserialize<Document>(File.ReadAllBytes(path), Options) ?? throw new InvalidDataException($"{path} is empty.");
    }
}
