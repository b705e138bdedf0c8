using System.Text;
using Akka.Actor;
using Akka.Configuration;
using ePost.Core.Ids;
using ePost.Node.Cli;
using ePost.Node.Hosting;
using ePost.Overlay.Node;
using ePost.Node.Identity;
using ePost.Storage.Objects;
using ePost.Storage.Replication;

namespace ePost.Node.Commands;

/// <summary>
/// <c>epost store put|get|held --node ADDRESS</c>: stores and reads immutable blocks through a running node over
/// Akka.Remote, for operators and for tests that drive real node processes.
/// </summary>
public static class StoreCommand
{
    /// <summary>The verb.</summary>
    public static Verb Verb => new("store", "put|get|held a block through a node: --node ADDR [--text T | --file F] [--id HEX] [--lease-days D] [--data-dir DIR of a certified node] [--config FILE]", RunAsync);

    private static async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancel)
    {
        var options = Arguments.Parse(args);
        var action = options.Positional.Count == 1 ? options.Positional[0] : throw new UsageException("epost store put|get|held --node ADDRESS ...");
        var node = options.Get("node") ?? throw new UsageException("--node ADDRESS is required.");
        var text = options.Get("text");
        var file = options.Get("file");
        var id = options.Get("id");
        var leaseDays = options.Int("lease-days", 21, min: 1, max: 3650);
        var overrides = NodeOptions.Overrides(options);
        options.RejectUnknown();
        if (file is not null && !File.Exists(file)) throw new UsageException($"--file: no file '{file}'.");
        NodeCredential? credential;
        RingTrust? trust;
        try
        {
            (credential, trust) = ClientSystem.CredentialOf(NodeConfig.Build(overrides));
        }
        catch (NodeCredentialException e)
        {
            Console.Error.WriteLine($"epost store: {e.Message}");
            return 2;
        }
        await using var client = await StorageClient.ConnectAsync(node, credential, trust);
        switch (action)
        {
            case "put":
                var bytes = text is not null ? Encoding.UTF8.GetBytes(text) : file is not null ? await File.ReadAllBytesAsync(file, cancel) : throw new UsageException("put needs --text or --file.");
                var put = await client.PutAsync(ContentBlock.Create(bytes), TimeSpan.FromDays(leaseDays));
                Console.WriteLine(put.Stored ? $"stored {put.Id} on {put.Acks} replicas" : $"refused {put.Id}: {put.Message}");
                return put.Stored ? 0 : 1;
            case "get":
                if (!RingId.TryParse(id, out var key)) throw new UsageException("get needs --id with 40 hex digits.");
                var got = await client.GetAsync(key);
                if (got is ContentBlock block) { await Console.OpenStandardOutput().WriteAsync(block.Data, cancel); return 0; }
                Console.Error.WriteLine(got is null ? $"not found: {key}" : $"{key} is a signed object, version {((SignedObject)got).Version}");
                return got is null ? 1 : 0;
            case "held":
                foreach (var held in await client.HeldAsync()) Console.WriteLine(held);
                return 0;
            default:
                throw new UsageException($"unknown store action '{action}'; use put, get or held.");
        }
    }
}

/// <summary>A short-lived client actor system that talks to one node's storage over Akka.Remote.</summary>
public sealed class StorageClient : IAsyncDisposable
{
    private readonly ActorSystem _system;
    private readonly ActorSelection _node;
    private readonly TimeSpan _timeout;

    private StorageClient(ActorSystem system, ActorSelection node, TimeSpan timeout)
    {
        _system = system;
        _node = node;
        _timeout = timeout;
    }

    /// <summary>Connects to the storage of the node at <paramref name="address"/>, through its entry point (the overlay), as the certified node <paramref name="credential"/>.</summary>
    public static Task<StorageClient> ConnectAsync(string address, NodeCredential? credential = null, RingTrust? trust = null, TimeSpan? timeout = null)
    {
        if (!ActorPath.TryParseAddress(address, out var parsed)) throw new UsageException($"'{address}' is not a node address.");
        var system = ClientSystem.Create("epost-client", credential, trust);
        var node = ClientSystem.EntryPoint(system, parsed.ToString());
        return Task.FromResult(new StorageClient(system, node, timeout ?? TimeSpan.FromSeconds(30)));
    }

    /// <summary>Inserts an object with a lease.</summary>
    public Task<ClientPutResult> PutAsync(StoredObject value, TimeSpan lease) =>
        _node.Ask<ClientPutResult>(new ClientRequest(new ClientPut(value.Encode(), (long)lease.TotalMilliseconds)), _timeout);

    /// <summary>Reads an object (null when no replica has it); the copy is verified here too.</summary>
    public async Task<StoredObject?> GetAsync(RingId id)
    {
        var result = await _node.Ask<ClientGetResult>(new ClientRequest(new ClientGet(id)), _timeout);
        if (result.Encoded is null) return null;
        var check = ObjectValidator.DecodeAndCheck(result.Encoded, ClientProtocol.MaxEncodedBytes * 16, out var value);
        return check.IsAccepted && value?.Id == id ? value : throw new InvalidDataException($"the node returned a bad copy of {id}: {check.Message}");
    }

    /// <summary>The ids the node holds itself.</summary>
    public async Task<RingId[]> HeldAsync() => (await _node.Ask<ClientHeldIds>(new ClientRequest(ClientListHeld.Instance), _timeout)).Ids;

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _system.Terminate();
}
