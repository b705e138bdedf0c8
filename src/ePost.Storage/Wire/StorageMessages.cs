using ePost.Core.Ids;
using ePost.Core.Wire;
using ePost.Overlay;
using ePost.Storage.Objects;

namespace ePost.Storage.Wire;

/// <summary>Marker of every message storage nodes exchange; bound to <see cref="StorageSerializer"/> in <c>hocon/storage.conf</c>.</summary>
public interface IStorageMessage : IWireMessage;

/// <summary>Why an object is being sent, which decides what the receiver does with it once all chunks arrived.</summary>
public enum TransferPurpose
{
    /// <summary>A writer's object for the key's root, which stores it and coordinates the other replicas.</summary>
    Insert = 1,

    /// <summary>The root's copy for another replica, answered with a <see cref="ReplicaAck"/>.</summary>
    Replicate = 2,

    /// <summary>The answer to a reader's <see cref="FetchRequest"/>.</summary>
    Lookup = 3,

    /// <summary>The answer to a repair fetch: the receiver stores it (it is in the receiver's range).</summary>
    Repair = 4,

    /// <summary>A Glacier fragment with its manifest for the receiver to store (carried by <see cref="Glacier.FragmentChunk"/>, never by the replica store).</summary>
    Fragment = 5,

    /// <summary>
    /// A Glacier fragment answering the receiver's fetch. Its op is the receiver's own, so it must not share a
    /// purpose with the sender's stores, or the two transfers' chunks could be assembled together.
    /// </summary>
    FragmentFetched = 6,
}

/// <summary>
/// One piece of an encoded object. Every object travels as chunks (one for small objects) because Akka.Remote
/// drops frames over 128,000 bytes; the receiver checks the SHA-256 <paramref name="Digest"/> of the whole before
/// decoding, then verifies the object itself.
/// </summary>
/// <param name="Op">The request this transfer belongs to (the asker's id for an answer); with the sender's address it names the transfer.</param>
/// <param name="Purpose">What the receiver does with the object.</param>
/// <param name="LeaseMs">The lease as a duration (writer-chosen, or the sender's remaining lease); never an instant.</param>
/// <param name="Index">This chunk's position, 0-based.</param>
/// <param name="Total">Number of chunks.</param>
/// <param name="Length">Length of the whole encoding.</param>
/// <param name="Digest">SHA-256 of the whole encoding.</param>
/// <param name="Data">This chunk's bytes.</param>
public sealed record ObjectChunk(RequestId Op, TransferPurpose Purpose, long LeaseMs, int Index, int Total, int Length, byte[] Digest, byte[] Data) : IStorageMessage;

/// <summary>
/// The root's verdict on an insert, for the writer's node: held by <paramref name="Acks"/> replicas of the
/// <paramref name="Needed"/> required, with the holders' signed <paramref name="Receipts"/> (the root's own included)
/// when they sign; a writer that requires receipts counts those, not the root's numbers.
/// </summary>
public sealed record InsertAck(RequestId Op, RingId Id, int Acks, int Needed, RefusalReason Reason, string Message,
    Replication.StorageReceipt[]? Receipts = null) : IStorageMessage;

/// <summary>A replica's answer to a <see cref="TransferPurpose.Replicate"/> copy or a forwarded renewal; <paramref name="Receipt"/> when it holds a copy and signs.</summary>
public sealed record ReplicaAck(RequestId Op, RingId Id, bool Held, RefusalReason Reason, string Message,
    Replication.StorageReceipt? Receipt = null) : IStorageMessage;

/// <summary>Asks a node for its copy of <paramref name="Id"/>; <paramref name="Repair"/> marks a repair fetch (answered with purpose Repair).</summary>
public sealed record FetchRequest(RequestId Op, RingId Id, bool Repair) : IStorageMessage;

/// <summary>
/// Sent after the object's chunks (if held): whether the node holds <paramref name="Id"/>, and the replica set as
/// it sees it, so a reader can ask every replica.
/// </summary>
public sealed record FetchStatus(RequestId Op, RingId Id, bool Held, NodeHandle[] Replicas) : IStorageMessage;

/// <summary>Extends a lease by <paramref name="LeaseMs"/> from now; the root (<paramref name="Coordinate"/>) forwards it to the other replicas.</summary>
public sealed record RenewRequest(RequestId Op, RingId Id, long LeaseMs, bool Coordinate) : IStorageMessage;

/// <summary>The root's verdict on a renewal: <paramref name="Held"/> replicas extended the lease.</summary>
public sealed record RenewAck(RequestId Op, RingId Id, int Held, int Needed, string Message) : IStorageMessage;

/// <summary>
/// Replica maintenance: a Bloom filter (fresh seed each round) of the ids the sender holds on the arc
/// [<paramref name="Start"/>, <paramref name="End"/>], which is part of its range. The receiver offers what it holds there that the filter lacks.
/// </summary>
/// <param name="LeaseBucketMs">The bucket width the filter's keys use (see <see cref="Repair.LeaseAwareDigest"/>).</param>
public sealed record RepairDigest(long Round, RingId Start, RingId End, byte[] Filter, long LeaseBucketMs = 0) : IStorageMessage;

/// <summary>Ids the sender holds that the receiver should hold (missing from its digest, or handed off); the receiver fetches those it lacks.</summary>
/// <param name="LeaseMs">When present, the sender's remaining lease for each id (a duration): a holder extends its own lease to it.</param>
public sealed record RepairOffer(long Round, RingId[] Ids, long[]? LeaseMs = null) : IStorageMessage;

/// <summary>Asks a node which ids it holds in the arc [<paramref name="First"/>, <paramref name="Last"/>], at most <paramref name="Limit"/> of them.</summary>
public sealed record ArcQuery(RequestId Op, RingId First, RingId Last, int Limit, RingId? After = null) : IStorageMessage;

/// <summary>The ids a node holds in the queried arc, in ring order (possibly cut at the limit); <paramref name="Next"/> continues the listing.</summary>
public sealed record ArcAnswer(RequestId Op, RingId[] Ids, RingId? Next = null) : IStorageMessage;

