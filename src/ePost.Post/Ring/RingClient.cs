using Akka.Actor;
using ePost.Core.Ids;
using ePost.Storage.Leases;
using ePost.Storage.Objects;
using ePost.Storage.Replication;

namespace ePost.Post.Ring;

/// <summary>Why a ring operation failed; <see cref="Refusal"/> is set when a replica refused the object itself.</summary>
public sealed class RingException(string message, RefusalReason refusal = RefusalReason.None) : Exception(message)
{
    /// <summary>The replicas' reason, or <see cref="RefusalReason.None"/> when they just did not answer in time.</summary>
    public RefusalReason Refusal { get; } = refusal;
}

/// <summary>
/// The node's replicated store seen from POST: async calls over the storage actor's messages
/// (<see cref="StorageProtocol"/> in ePost.Storage). Thread-safe; every call is one Ask with a timeout.
/// </summary>
public sealed class RingClient(IActorRef storage, TimeSpan timeout)
{
    /// <summary>The storage actor.</summary>
    public IActorRef Storage { get; } = storage;

    /// <summary>Stores an object on a majority of its replicas.</summary>
    /// <exception cref="RingException">When it was refused or too few replicas answered.</exception>
    public async Task InsertAsync(StoredObject value, LeaseDuration lease, CancellationToken cancellation = default)
    {
        var answer = await Storage.Ask<object>(new Insert(value, lease), timeout * 2, cancellation).ConfigureAwait(false);
        if (answer is InsertFailed failed)
            throw new RingException($"Storing {failed.Id.ToShortString()} failed: {failed.Message}", failed.Reason);
    }

    /// <summary>Reads an object (with <paramref name="newest"/>, the highest valid version among all replicas), or null.</summary>
    public async Task<StoredObject?> LookupAsync(RingId id, bool newest = false, CancellationToken cancellation = default)
    {
        var answer = await Storage.Ask<object>(new Lookup(id, newest), timeout * 2, cancellation).ConfigureAwait(false);
        return (answer as Found)?.Object;
    }

    /// <summary>Reads an object: the object, or null when the ring definitively has none.</summary>
    /// <exception cref="RingException">When the ring could not say (a timeout, or this node has not joined yet).</exception>
    public async Task<StoredObject?> LookupDefinitiveAsync(RingId id, bool newest = false, CancellationToken cancellation = default)
    {
        var answer = await Storage.Ask<object>(new Lookup(id, newest), timeout * 2, cancellation).ConfigureAwait(false);
        return answer switch
        {
            Found found => found.Object,
            NotFound { Definitive: true } => null,
            NotFound missing => throw new RingException($"The ring could not say whether {id.ToShortString()} exists: {missing.Reason}."),
            _ => throw new RingException($"Unexpected answer {answer.GetType().Name} to a lookup."),
        };
    }

    /// <summary>Reads a content block's bytes.</summary>
    /// <exception cref="RingException">When no replica has it.</exception>
    public async Task<byte[]> ReadBlockAsync(RingId id, CancellationToken cancellation = default) =>
        await LookupAsync(id, cancellation: cancellation).ConfigureAwait(false) is ContentBlock block
            ? block.Data.ToArray()
            : throw new RingException($"Block {id.ToShortString()} is not in the ring.");

    /// <summary>Extends an object's lease; false when too few replicas hold it.</summary>
    public async Task<bool> RenewAsync(RingId id, LeaseDuration lease, CancellationToken cancellation = default) =>
        await Storage.Ask<object>(new Renew(id, lease), timeout * 2, cancellation).ConfigureAwait(false) is Renewed;

    /// <summary>One page of the ids held in an arc by this node and the arc's root (withdrawn notifications left out), from just after <paramref name="after"/>.</summary>
    public async Task<ArcListed> ListArcAsync(RingId first, RingId last, int limit, CancellationToken cancellation = default, RingId? after = null) =>
        await Storage.Ask<ArcListed>(new ListArc(first, last, limit, after), timeout * 2, cancellation).ConfigureAwait(false);
}
