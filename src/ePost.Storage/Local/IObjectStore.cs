using ePost.Core.Ids;
using ePost.Storage.Leases;
using ePost.Storage.Objects;

namespace ePost.Storage.Local;

/// <summary>A node's durable local object store: the one seam behind which SQLite (or later a server database) sits.</summary>
/// <remarks>
/// Every write is durable before the call returns. Lease times are this node's <see cref="LeaseInstant"/>s: callers
/// convert a writer's <see cref="LeaseDuration"/> with <see cref="LeaseClock.ExpiryFor"/>. Meant for one writing
/// actor; reads from other threads are safe. There is no delete: objects leave by lease expiry or as corrupt.
/// </remarks>
public interface IObjectStore : IMetaStore, IDisposable
{
    /// <summary>The limits this store enforces.</summary>
    ObjectStoreSettings Settings { get; }

    /// <summary>
    /// Validates and stores an object with a lease ending at <paramref name="expiry"/>. A content block already held
    /// keeps its copy; a signed object keeps the highest valid version. Leases only ever extend.
    /// </summary>
    /// <param name="value">The object.</param>
    /// <param name="expiry">When its lease ends.</param>
    /// <param name="charge">Who the bytes are charged to and that writer's quota; null: charged to nobody (copies from the replica set).</param>
    PutResult Put(StoredObject value, LeaseInstant expiry, WriterCharge? charge = null);

    /// <summary>As <see cref="Put(StoredObject, LeaseInstant, WriterCharge)"/> for an encoding from the wire; malformed bytes are refused and counted.</summary>
    PutResult Put(ReadOnlySpan<byte> encoded, LeaseInstant expiry, WriterCharge? charge = null);

    /// <summary>How many objects in <paramref name="arc"/> are charged to <paramref name="writer"/> (a sender's waiting notifications for one user).</summary>
    long CountCharged(RingArc arc, string writer);

    /// <summary>The newest version of <paramref name="id"/> (signed object version, certificate serial) this store ever held or was told of, durably; null if none.</summary>
    ulong? NewestVersionSeen(RingId id);

    /// <summary>Durably remembers that version <paramref name="version"/> of <paramref name="id"/> was verified (keeps the highest).</summary>
    void RememberVersion(RingId id, ulong version);

    /// <summary>Bytes held that are charged to <paramref name="writer"/>.</summary>
    long UsageOf(string writer);

    /// <summary>Reads and re-verifies an object; a copy that fails verification is deleted and reported as corrupt.</summary>
    GetResult Get(RingId id);

    /// <summary>True when an object is held under <paramref name="id"/> (not verified: cheap, for filters and replies).</summary>
    bool Contains(RingId id);

    /// <summary>Extends a held object's lease to <paramref name="expiry"/> if that is later; returns the lease now in force, or null when not held.</summary>
    LeaseInstant? ExtendLease(RingId id, LeaseInstant expiry);

    /// <summary>Lists held ids on an arc in clockwise order, at most <paramref name="limit"/> after the cursor <paramref name="after"/>.</summary>
    RangePage ListRange(RingArc arc, RingId? after, int limit);

    /// <summary>Deletes at most <paramref name="maxBatch"/> objects whose lease ended at or before <paramref name="now"/>, earliest first; returns how many.</summary>
    int CollectExpired(LeaseInstant now, int maxBatch);

    /// <summary>Re-verifies at most <paramref name="maxBatch"/> stored copies in id order after <paramref name="after"/>, dropping corrupt ones.</summary>
    ScrubResult Scrub(RingId? after, int maxBatch);

    /// <summary>Current contents and counters.</summary>
    StoreStats GetStats();

    /// <summary>The held objects whose lease ends before <paramref name="until"/> (already expired ones included): how many, their bytes, and the earliest end.</summary>
    LeasesDue LeasesDueBefore(LeaseInstant until);
}
