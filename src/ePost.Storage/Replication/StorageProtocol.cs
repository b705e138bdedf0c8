using Akka.Actor;
using ePost.Core.Ids;
using ePost.Storage.Leases;
using ePost.Storage.Local;
using ePost.Storage.Objects;

namespace ePost.Storage.Replication;

/// <summary>
/// A request to the node's <see cref="ReplicaManager"/> (<c>/user/node/storage</c>), the storage API of the POST
/// layer. Local messages only: they never cross the wire. Each is answered to its sender.
/// </summary>
public interface IStorageCommand : INoSerializationVerificationNeeded;

/// <summary>
/// Stores <paramref name="Object"/> on the r nodes closest to its id, each keeping it for <paramref name="Lease"/>
/// of its own running time. Answered with <see cref="Inserted"/> once a majority of the replicas hold it durably,
/// or <see cref="InsertFailed"/> (a refusal with its reason, or too few acknowledgements in time).
/// A signed update is an insert of a <see cref="SignedObject"/> with a higher version: replicas keep the highest
/// valid version and refuse a lower one (<see cref="RefusalReason.StaleVersion"/>).
/// </summary>
public sealed record Insert(StoredObject Object, LeaseDuration Lease) : IStorageCommand;

/// <summary>The object is held by <paramref name="Acks"/> replicas (at least a majority).</summary>
/// <param name="Receipts">The holders' verified receipts when the ring requires them (<c>require-receipts</c>), else empty.</param>
public sealed record Inserted(RingId Id, int Acks, IReadOnlyList<StorageReceipt>? Receipts = null);

/// <summary>The insert did not succeed: <paramref name="Reason"/> is the refusal (<see cref="RefusalReason.None"/> when too few replicas answered in time).</summary>
public sealed record InsertFailed(RingId Id, RefusalReason Reason, string Message, int Acks);

/// <summary>
/// Reads an object: the local copy, then the key's root, then every replica; every copy is verified on arrival.
/// With <paramref name="Newest"/> (for signed objects) every replica is asked and the highest valid version wins.
/// Answered with <see cref="Found"/> or <see cref="NotFound"/>.
/// </summary>
public sealed record Lookup(RingId Id, bool Newest = false) : IStorageCommand;

/// <summary>A verified copy.</summary>
public sealed record Found(StoredObject Object);

/// <summary>No replica had a valid copy in time.</summary>
/// <param name="Definitive">
/// True when other nodes were asked and every one answered that it holds no copy; false after a timeout, or when this
/// node could ask nobody (it has not joined yet). Only a definitive answer means "the ring has no such object".
/// </param>
public sealed record NotFound(RingId Id, string Reason, bool Definitive = false);

/// <summary>Extends the object's lease on its replicas to at least <paramref name="Lease"/> from now (never shortens). Answered with <see cref="Renewed"/> or <see cref="RenewFailed"/>.</summary>
public sealed record Renew(RingId Id, LeaseDuration Lease) : IStorageCommand;

/// <summary>The lease was extended on <paramref name="Holders"/> replicas (at least a majority).</summary>
public sealed record Renewed(RingId Id, int Holders);

/// <summary>Too few replicas held the object to extend its lease.</summary>
public sealed record RenewFailed(RingId Id, int Holders, string Message);

/// <summary>Lists the ids this node holds (for tests and operators; answered with <see cref="HeldIds"/>).</summary>
public sealed record ListHeld : IStorageCommand
{
    /// <summary>The one instance.</summary>
    public static readonly ListHeld Instance = new();
}

/// <summary>The ids this node holds, in id order.</summary>
public sealed record HeldIds(IReadOnlyList<RingId> Ids);

/// <summary>Asks for the store's counters (answered with <see cref="StorageStatus"/>).</summary>
public sealed record GetStorageStatus : IStorageCommand
{
    /// <summary>The one instance.</summary>
    public static readonly GetStorageStatus Instance = new();
}

/// <summary>The store's counters plus what replication refused or dropped on the way in.</summary>
/// <param name="RepliesRefused">Replies dropped because they answered no outstanding request, came from a peer that was not asked, or were about another key.</param>
/// <param name="LeasesDue">Held objects whose leases end within <see cref="LeaseWindow"/> of <paramref name="LeaseNow"/>.</param>
public sealed record StorageStatus(StoreStats Store, LeaseInstant LeaseNow, long TransfersRejected, long RepairFetches, long RepliesRefused = 0,
    Local.LeasesDue? LeasesDue = null)
{
    /// <summary>The window <see cref="LeasesDue"/> looks ahead.</summary>
    public static readonly LeaseDuration LeaseWindow = LeaseDuration.FromDays(7);
}

/// <summary>Starts a repair round now (the timer does it anyway; tests and benchmarks use this to not wait).</summary>
public sealed record RepairNow : IStorageCommand
{
    /// <summary>The one instance.</summary>
    public static readonly RepairNow Instance = new();
}

/// <summary>
/// Lists the ids held in the arc [<paramref name="First"/>, <paramref name="Last"/>] (both inclusive) by this node and
/// by the root of <paramref name="First"/>, at most <paramref name="Limit"/>; answered with <see cref="ArcListed"/>.
/// POST collects a user's waiting notifications this way (they all live in one small arc after the user's id).
/// Withdrawn notifications are left out; a long arc is read in pages, from just after <paramref name="After"/>.
/// </summary>
public sealed record ListArc(RingId First, RingId Last, int Limit, RingId? After = null) : IStorageCommand;

/// <summary>The ids found, in ring order without duplicates; <paramref name="Complete"/> is false when the root did not answer in time.</summary>
/// <param name="Next">Pass as <c>After</c> for the next page; null when the arc has no more ids.</param>
public sealed record ArcListed(IReadOnlyList<RingId> Ids, bool Complete, RingId? Next = null);

