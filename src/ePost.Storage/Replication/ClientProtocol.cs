using Akka.Actor;
using ePost.Core.Ids;
using ePost.Storage.Leases;
using ePost.Storage.Objects;
using ePost.Storage.Wire;

namespace ePost.Storage.Replication;

/// <summary>
/// An operator tool's request over Akka.Remote to a node's storage (<c>epost store</c>): insert an encoded object
/// with a lease of <paramref name="LeaseMilliseconds"/>. The node checks it exactly as it checks any insert.
/// Objects must fit one remote frame (see <see cref="ClientProtocol.MaxEncodedBytes"/>).
/// </summary>
public sealed record ClientPut(byte[] Encoded, long LeaseMilliseconds) : IStorageMessage;

/// <summary>The outcome of a <see cref="ClientPut"/>: stored on <paramref name="Acks"/> replicas, or why not.</summary>
public sealed record ClientPutResult(RingId Id, bool Stored, int Acks, string Message) : IStorageMessage;

/// <summary>An operator tool's read of one object through a node.</summary>
public sealed record ClientGet(RingId Id) : IStorageMessage;

/// <summary>The verified encoded object, or why there is none.</summary>
public sealed record ClientGetResult(RingId Id, byte[]? Encoded, string? Problem) : IStorageMessage;

/// <summary>Asks a node which ids it holds itself.</summary>
public sealed record ClientListHeld : IStorageMessage
{
    /// <summary>The one instance.</summary>
    public static readonly ClientListHeld Instance = new();
}

/// <summary>The ids a node holds.</summary>
public sealed record ClientHeldIds(RingId[] Ids) : IStorageMessage;

/// <summary>Limits of the client protocol.</summary>
public static class ClientProtocol
{
    /// <summary>Largest encoded object a client may send in one request: well inside Akka.Remote's 128,000-byte frame.</summary>
    public const int MaxEncodedBytes = 64 * 1024;
}

/// <summary>Turns the storage API's local replies into client wire replies for one request, then stops.</summary>
internal sealed class ClientReplyAdapter : ReceiveActor
{
    public static Props Props(IActorRef client, RingId id) => Akka.Actor.Props.Create(() => new ClientReplyAdapter(client, id));

    public ClientReplyAdapter(IActorRef client, RingId id)
    {
        Context.SetReceiveTimeout(TimeSpan.FromMinutes(2));
        void Reply(object message)
        {
            client.Tell(message);
            Context.Stop(Self);
        }
        Receive<Inserted>(m => Reply(new ClientPutResult(m.Id, true, m.Acks, "stored")));
        Receive<InsertFailed>(m => Reply(new ClientPutResult(m.Id, false, m.Acks, $"{m.Reason}: {m.Message}")));
        Receive<Found>(m => Reply(new ClientGetResult(m.Object.Id, m.Object.Encode(), null)));
        Receive<NotFound>(m => Reply(new ClientGetResult(m.Id, null, m.Reason)));
        Receive<ReceiveTimeout>(_ => Reply(new ClientGetResult(id, null, "no answer in time")));
    }
}
