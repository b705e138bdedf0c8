using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using ePost.Core.Crypto;
using ePost.Core.Devices;
using ePost.Core.Time;
using ePost.Node.Cli;
using ePost.Node.Hosting;
using ePost.Node.Identity;
using ePost.Storage.Objects;

namespace ePost.Node.Commands;

/// <summary>
/// <c>epost device add|join|list|revoke</c>: one user on several devices. <c>add</c> (on a device that holds the user's
/// key file) makes a one-time pairing code, prints it with its <c>epost-pair://</c> address and a QR code, and waits
/// for the new device; <c>join URI</c> (on the new device) pairs with it and writes the device's node certificate
/// (signed by the user's key), the device list and the user's certificate into its data dir, never the user's keys
/// unless <c>add --give-user-key</c> and <c>join --want-user-key</c> both say so. <c>list</c> prints the signed device
/// list; <c>revoke NAME</c> signs its successor with the device revoked. <c>add</c> and <c>revoke</c> publish the new
/// list through a running node (<c>--node ADDR --data-dir DIR</c>) so storage nodes and the user's other nodes see it.
/// </summary>
public static class DeviceCommand
{
    /// <summary>How long a pairing code lives by default.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(10);

    /// <summary>The file in a paired device's data dir that holds the user's device list.</summary>
    public const string DeviceListFile = "devices.list";

    /// <summary>The file in a paired device's data dir that holds its X25519 device key.</summary>
    public const string DeviceKeyFile = "device.key";

    /// <summary>The file in a paired device's data dir that holds the user's certificate.</summary>
    public const string UserCertificateFile = "user.cert";

    /// <summary>The verb.</summary>
    public static Verb Verb => new("device",
        "one user on several devices: add --key USER.key [--devices FILE] [--listen HOST:PORT] [--public-host H] [--minutes M] [--give-user-key] [--node ADDR --data-dir DIR] | join URI --name NAME --data-dir DIR [--want-user-key] [--ca HEX] | list (--key USER.key | --devices FILE) | revoke NAME --key USER.key [--devices FILE] [--node ADDR --data-dir DIR] | publish --key USER.key --node ADDR --data-dir DIR",
        RunAsync);

    private static async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancel)
    {
        var options = Arguments.Parse(args);
        var action = options.Positional.Count > 0 ? options.Positional[0] : throw new UsageException("epost device add | join URI | list | revoke NAME");
        return action switch
        {
            "add" => await AddAsync(options, Console.In, Console.Out, cancel),
            "join" => await JoinAsync(options, Console.Out, cancel),
            "list" => List(options, Console.In, Console.Out),
            "revoke" => await RevokeAsync(options, Console.In, Console.Out),
            "publish" => await PublishListAsync(options, Console.In, Console.Out),
            _ => throw new UsageException($"unknown device action '{action}'; use add, join, list, revoke or publish."),
        };
    }

    private static async Task<int> AddAsync(Arguments options, TextReader input, TextWriter output, CancellationToken cancel)
    {
        var (user, keyText) = OpenUser(options, input);
        var listPath = options.Get("devices") ?? DefaultListPath(options.Get("key")!);
        var listen = options.Get("listen") ?? "127.0.0.1:0";
        var publicHost = options.Get("public-host");
        var minutes = options.Double("minutes", DefaultLifetime.TotalMinutes, min: 0.1, max: 60);
        var give = options.Flag("give-user-key");
        var maxDevices = options.Int("max-devices", 3, min: 1, max: DeviceList.MaxEntries);
        var publisher = Publisher(options);
        options.RejectUnknown();
        var list = LoadList(listPath, user) ?? DeviceList.Empty(user);
        var colon = listen.LastIndexOf(':');
        if (colon <= 0 || !IPAddress.TryParse(listen[..colon], out var address) || !int.TryParse(listen[(colon + 1)..], out var port))
            throw new UsageException($"--listen takes HOST:PORT with an IP address, not '{listen}'.");
        using var listener = new TcpListener(address, port);
        listener.Start();
        var bound = (IPEndPoint)listener.LocalEndpoint;
        var desk = new PairingDesk(new StopwatchMonotonicClock(), TimeSpan.FromMinutes(minutes), RandomNumberGenerator.Create());
        var code = desk.Open();
        var uri = new PairingUri(publicHost ?? bound.Address.ToString(), bound.Port, code);
        output.WriteLine($"pairing code {code} for {user.Certificate.Address} (one use, {minutes:0.#} minutes)");
        output.WriteLine($"on the new device: epost device join {uri} --name NAME --data-dir DIR");
        foreach (var line in TerminalQr.Render(uri.ToString())) output.WriteLine(line);
        output.Flush();
        var userKeyFile = give ? keyText : null;
        using var expiry = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        expiry.CancelAfter(TimeSpan.FromMinutes(minutes));
        while (true)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(expiry.Token);
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine("epost device add: the pairing code expired unused; nothing changed.");
                return 1;
            }
            using (client)
            {
                PairingOutcome outcome;
                try
                {
                    using var exchange = CancellationTokenSource.CreateLinkedTokenSource(expiry.Token);
                    exchange.CancelAfter(TimeSpan.FromSeconds(30));
                    var stream = client.GetStream();
                    var hello = await ReadFrameAsync(stream, exchange.Token);
                    DeviceList? next = null;
                    outcome = desk.Answer(hello, request =>
                    {
                        var (grant, admitted) = DeviceEnrollment.Admit(user, list, request, maxDevices, userKeyFile);
                        next = admitted;
                        return grant;
                    });
                    if (outcome.Accepted)
                    {
                        // The list is durable before the new device hears it was admitted.
                        DurableFile.WriteAtomically(listPath, next!.Encode(), ownerOnly: false);
                        list = next;
                    }
                    await WriteFrameAsync(stream, outcome.Answer, exchange.Token);
                }
                catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or PairingException)
                {
                    Console.Error.WriteLine($"epost device add: a pairing attempt failed: {e.Message}");
                    continue;
                }
                if (!outcome.Accepted)
                {
                    Console.Error.WriteLine($"epost device add: refused a pairing attempt: {outcome.Reason}");
                    continue;
                }
                var device = list.Find(outcome.Reason)!;
                output.WriteLine($"paired {device} (device list {list.Number}) -> {listPath}");
                await PublishAsync(publisher, user, list, output);
                return 0;
            }
        }
    }

    private static async Task<int> JoinAsync(Arguments options, TextWriter output, CancellationToken cancel)
    {
        var uriText = options.Positional.Count == 2 ? options.Positional[1] : throw new UsageException("epost device join epost-pair://HOST:PORT/CODE --name NAME --data-dir DIR");
        var name = options.Get("name") ?? throw new UsageException("join needs --name (what to call this device: a-z, 0-9, '-', '_', '.').");
        var wantsUserKey = options.Flag("want-user-key");
        var maxDevices = options.Int("max-devices", 3, min: 1, max: DeviceList.MaxEntries);
        var caOption = options.Get("ca");
        var overrides = NodeOptions.Overrides(options);
        options.RejectUnknown();
        if (DeviceEntry.NameProblem(name) is { } problem) throw new UsageException(problem + ".");
        PairingUri uri;
        try
        {
            uri = PairingUri.Parse(uriText);
        }
        catch (PairingException e)
        {
            throw new UsageException(e.Message);
        }
        var config = NodeConfig.Build(overrides);
        var dataDir = NodeSettings.Create(config).DataDir;
        var ca = caOption is not null ? Convert.FromHexString(caOption) : TransportSettings.Create(config).CertificateAuthority
            ?? throw new UsageException("join needs the ring CA's public key: --ca HEX, EPOST_CA_PUBLIC_KEY or epost.transport.certificate-authority.");
        var hadKey = NodeIdentity.Exists(dataDir);
        var identity = NodeIdentity.LoadOrCreate(dataDir);
        var certificatePath = TransportSettings.Create(config).NodeCertificatePath;
        if (File.Exists(certificatePath)) { Console.Error.WriteLine($"epost device join: {certificatePath} exists; this node is already admitted."); return 1; }
        var deviceKey = X25519.Generate(RandomNumberGenerator.Create());
        var password = NewPassword();
        var request = new PairingRequest(name, identity.PublicKey, deviceKey.PublicKey, DeviceEntry.VerifierOf(password), wantsUserKey);
        var joiner = new PairingJoiner(uri.Code, request, RandomNumberGenerator.Create());
        PairedDevice paired;
        try
        {
            paired = await PairAsync(uri, joiner, ca, maxDevices, cancel);
        }
        catch (PairingException e)
        {
            Forget(dataDir, hadKey);
            Console.Error.WriteLine($"epost device join: {e.Message} Nothing was changed.");
            return 1;
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            Forget(dataDir, hadKey);
            Console.Error.WriteLine($"epost device join: cannot reach the issuing device at {uri.Host}:{uri.Port} (a code pairs one device, and epost device add ends once it has): {e.Message}");
            return 1;
        }
        return Save(dataDir, certificatePath, deviceKey, password, paired, output);
    }

    /// <summary>A failed pairing leaves the new device's data dir as it found it: a node key made for the attempt goes.</summary>
    private static void Forget(string dataDir, bool hadKey)
    {
        if (hadKey) return;
        File.Delete(Path.Combine(dataDir, "node.key"));
        if (!Directory.EnumerateFileSystemEntries(dataDir).Any()) Directory.Delete(dataDir);
    }

    private static async Task<PairedDevice> PairAsync(PairingUri uri, PairingJoiner joiner, byte[] ca, int maxDevices, CancellationToken cancel)
    {
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        await client.ConnectAsync(uri.Host, uri.Port, timeout.Token);
        var stream = client.GetStream();
        await WriteFrameAsync(stream, joiner.Hello, timeout.Token);
        return joiner.Finish(await ReadFrameAsync(stream, timeout.Token), ca, maxDevices);
    }

    private static int Save(string dataDir, string certificatePath, X25519KeyPair deviceKey, string password, PairedDevice paired, TextWriter output)
    {
        DurableFile.WriteAtomically(Path.Combine(dataDir, DeviceKeyFile), Encoding.ASCII.GetBytes(Convert.ToHexStringLower(deviceKey.PrivateKey) + "\n"), ownerOnly: true);
        DurableFile.WriteAtomically(Path.Combine(dataDir, DeviceListFile), paired.List.Encode(), ownerOnly: false);
        DurableFile.WriteAtomically(Path.Combine(dataDir, UserCertificateFile), paired.User.Encode(), ownerOnly: false);
        if (paired.Grant.UserKeyFile is { } keyFile)
            DurableFile.WriteAtomically(Path.Combine(dataDir, paired.User.Address + ".key"), Encoding.UTF8.GetBytes(keyFile), ownerOnly: true);
        DurableFile.WriteAtomically(certificatePath, paired.Certificate.Encode(), ownerOnly: false);
        output.WriteLine($"joined as {paired.Device} of {paired.User.Address}; certificate -> {certificatePath}");
        output.WriteLine($"mail password of this device (shown once; works on every node of {paired.User.Address} until revoked): {password}");
        if (paired.Grant.UserKeyFile is not null) output.WriteLine($"the user's keys were copied (as asked) -> {Path.Combine(dataDir, paired.User.Address + ".key")}");
        return 0;
    }

    private static int List(Arguments options, TextReader input, TextWriter output)
    {
        var listPath = options.Get("devices");
        var keyPath = options.Get("key");
        DeviceList? list;
        if (listPath is not null && keyPath is null)
        {
            options.RejectUnknown();
            if (!File.Exists(listPath)) throw new UsageException($"--devices: no file '{listPath}'.");
            if (!DeviceList.TryDecode(File.ReadAllBytes(listPath), out list, out var reason)) { Console.Error.WriteLine($"epost device list: {listPath}: {reason}"); return 1; }
            if (list.Verify(list.OwnerKey) is { } problem) { Console.Error.WriteLine($"epost device list: {listPath}: {problem}"); return 1; }
        }
        else
        {
            var (user, _) = OpenUser(options, input);
            listPath ??= DefaultListPath(keyPath!);
            options.RejectUnknown();
            list = LoadList(listPath, user);
            if (list is null) { output.WriteLine($"{user.Certificate.Address} has no paired devices ({listPath} does not exist)"); return 0; }
        }
        output.WriteLine($"device list {list.Number} of user {list.UserId}");
        foreach (var device in list.Devices)
            output.WriteLine($"{device.Index,3}  {device.Name,-20} node {device.NodeId}  {(device.Revoked ? "revoked" : "active")}");
        return 0;
    }

    private static async Task<int> RevokeAsync(Arguments options, TextReader input, TextWriter output)
    {
        var name = options.Positional.Count == 2 ? options.Positional[1] : throw new UsageException("epost device revoke NAME --key USER.key");
        var (user, _) = OpenUser(options, input);
        var listPath = options.Get("devices") ?? DefaultListPath(options.Get("key")!);
        var publisher = Publisher(options);
        options.RejectUnknown();
        var list = LoadList(listPath, user);
        if (list is null) { Console.Error.WriteLine($"epost device revoke: {user.Certificate.Address} has no device list at {listPath}."); return 1; }
        DeviceList next;
        try
        {
            next = list.WithRevoked(user, name);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"epost device revoke: {e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal)}");
            return 1;
        }
        DurableFile.WriteAtomically(listPath, next.Encode(), ownerOnly: false);
        output.WriteLine($"revoked {next.Find(name)} (device list {next.Number}) -> {listPath}");
        await PublishAsync(publisher, user, next, output);
        return 0;
    }

    private static async Task<int> PublishListAsync(Arguments options, TextReader input, TextWriter output)
    {
        var (user, _) = OpenUser(options, input);
        var listPath = options.Get("devices") ?? DefaultListPath(options.Get("key")!);
        var publisher = Publisher(options) ?? throw new UsageException("publish needs --node ADDR and --data-dir DIR of a certified node.");
        options.RejectUnknown();
        var list = LoadList(listPath, user);
        if (list is null) { Console.Error.WriteLine($"epost device publish: {user.Certificate.Address} has no device list at {listPath}."); return 1; }
        await PublishAsync(publisher, user, list, output);
        return 0;
    }

    private static (UserKeys User, string KeyText) OpenUser(Arguments options, TextReader input)
    {
        var keyPath = options.Get("key") ?? throw new UsageException("--key USER.key (the user's key file from epost ca issue) is required.");
        var passphraseFile = options.Get("user-passphrase-file");
        if (!File.Exists(keyPath)) throw new UsageException($"--key: no file '{keyPath}'.");
        var passphrase = passphraseFile is not null
            ? File.Exists(passphraseFile) ? File.ReadAllText(passphraseFile).TrimEnd('\r', '\n') : throw new UsageException($"no file '{passphraseFile}'.")
            : Environment.GetEnvironmentVariable("EPOST_USER_PASSPHRASE") is { Length: > 0 } env ? env : input.ReadLine() ?? "";
        var text = File.ReadAllText(keyPath);
        try
        {
            return (PassphraseKeyFile.OpenUserKeys(text, passphrase), text);
        }
        catch (KeyFileException e)
        {
            throw new UsageException($"cannot open {keyPath}: {e.Message}");
        }
    }

    private static string DefaultListPath(string keyPath) => Path.ChangeExtension(keyPath, ".devices");

    private static DeviceList? LoadList(string path, UserKeys user)
    {
        if (!File.Exists(path)) return null;
        if (!DeviceList.TryDecode(File.ReadAllBytes(path), out var list, out var reason)) throw new UsageException($"{path} is not a device list: {reason}");
        if (list.Verify(user.Signing.PublicKey) is { } problem || list.UserId != user.Certificate.UserId)
            throw new UsageException($"{path} is not {user.Certificate.Address}'s device list.");
        return list;
    }

    private static (string Node, Akka.Configuration.Config Overrides)? Publisher(Arguments options)
    {
        var node = options.Get("node");
        var overrides = NodeOptions.Overrides(options);
        return node is null ? null : (node, overrides);
    }

    private static async Task PublishAsync((string Node, Akka.Configuration.Config Overrides)? publisher, UserKeys user, DeviceList list, TextWriter output)
    {
        if (publisher is not { } p)
        {
            output.WriteLine("not published yet: epost device publish --key USER.key --node ADDR --data-dir DIR (a certified node) puts it in the ring");
            return;
        }
        var (credential, trust) = ClientSystem.CredentialOf(NodeConfig.Build(p.Overrides));
        await using var client = await StorageClient.ConnectAsync(p.Node, credential, trust);
        var put = await client.PutAsync(SignedObject.Create(user.Signing, DeviceEndorsement.ListLabel, list.Number, list.Encode()), TimeSpan.FromDays(365));
        output.WriteLine(put.Stored ? $"published device list {list.Number} on {put.Acks} replicas" : $"the ring refused device list {list.Number}: {put.Message}");
    }

    /// <summary>A device mail password: 100 random bits in base32, so one SHA-256 verifier resists guessing.</summary>
    private static string NewPassword() => PairingCode.Generate(RandomNumberGenerator.Create()).ToString()[..24];

    private static async Task<byte[]> ReadFrameAsync(NetworkStream stream, CancellationToken cancel)
    {
        var header = new byte[4];
        await stream.ReadExactlyAsync(header, cancel);
        var length = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (length > 64 * 1024) throw new IOException($"a pairing message of {length} bytes is too large.");
        var body = new byte[length];
        await stream.ReadExactlyAsync(body, cancel);
        return body;
    }

    private static async Task WriteFrameAsync(NetworkStream stream, byte[] body, CancellationToken cancel)
    {
        var header = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)body.Length);
        await stream.WriteAsync(header, cancel);
        await stream.WriteAsync(body, cancel);
        await stream.FlushAsync(cancel);
    }
}
