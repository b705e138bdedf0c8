using Akka.Actor;
using ePost.Core.Ids;
using ePost.Storage.Leases;
using ePost.Storage.Objects;

// The local API of Glacier, the node's archive (/user/node/glacier, GlacierActor). The POST layer calls it; it
// never crosses the wire. Objects in, objects out: Glacier knows nothing of mailboxes.
//
//   Archive(objects, lease)  -> Archived(refs)        the objects are packed into containers (epost.glacier.container
//                            |  ArchiveFailed(reason)  limits), each erasure-coded into n fragments (any m rebuild it)
//                                                      and stored around the ring; answered once quorum x m fragments
//                                                      of every container are durably held. Keep each ContainerRef
//                                                      (ToBytes() for a log entry): it is all a restore needs.
//   Restore(ref)             -> Restored(ref, objects) fetches any m fragments from the roots of their positions,
//                            |  RestoreFailed(ref, why) checks each against the writer-signed manifest, decodes,
//                                                      checks the container's hash against the ref and verifies every
//                                                      object. Works from any node, and after the writer is gone.
//   Refresh(ref, live)       -> Refreshed(ref, now)    the owner's periodic renewal: live maps each id it still
//                            |  RefreshFailed(ref, why) references to the lease it wants. Mostly live and signed by
//                                                      this node: renewed in place (a new manifest version, lease =
//                                                      the longest-lived member's), now = [ref]. Mostly expired or
//                                                      another node's: live members repacked into new containers,
//                                                      now = their refs. Nothing live: now = []. Replace ref by now.
//   MaintainNow              -> (no answer)            starts a maintenance round now (the timer does it anyway).
//   ListFragments            -> HeldFragments(keys)    the fragments this node holds (tests, operators).
//   GetGlacierStatus         -> GlacierStatus(...)     counters.
//
// Leases are durations. Every holder counts a fragment's lease on its own lease clock from when it stored it; a
// rebuilt fragment carries the rebuilder's remaining lease. Fragments are collected when their lease ends.

namespace ePost.Storage.Glacier;

/// <summary>A request to the node's <see cref="GlacierActor"/>; local only, answered to the sender.</summary>
public interface IGlacierCommand : INoSerializationVerificationNeeded;

/// <summary>Archives <paramref name="Objects"/>, each kept at least <paramref name="Lease"/> on every fragment holder.</summary>
public sealed record Archive(IReadOnlyList<StoredObject> Objects, LeaseDuration Lease) : IGlacierCommand;

/// <summary>The objects are archived; one reference per container they were packed into, in order.</summary>
public sealed record Archived(IReadOnlyList<ContainerRef> Containers);

/// <summary>The archive did not succeed (a refused object, or too few fragments stored in time).</summary>
public sealed record ArchiveFailed(string Reason);

/// <summary>Rebuilds the objects of one archived container from its fragments.</summary>
public sealed record Restore(ContainerRef Container) : IGlacierCommand;

/// <summary>The container's objects, each verified.</summary>
public sealed record Restored(ContainerRef Container, IReadOnlyList<StoredObject> Objects);

/// <summary>The container could not be rebuilt; <paramref name="Reason"/> says how many fragments were found of the m needed.</summary>
public sealed record RestoreFailed(ContainerRef Container, string Reason);

/// <summary>Renews a container's live members (each id to the lease the owner wants) and lets the rest expire.</summary>
public sealed record Refresh(ContainerRef Container, IReadOnlyDictionary<RingId, LeaseDuration> Live) : IGlacierCommand;

/// <summary>The refresh is done: <paramref name="Now"/> replaces <paramref name="Container"/> in the owner's records.</summary>
public sealed record Refreshed(ContainerRef Container, IReadOnlyList<ContainerRef> Now);

/// <summary>The container could not be read back or renewed; the owner keeps the old reference and tries again later.</summary>
public sealed record RefreshFailed(ContainerRef Container, string Reason);

/// <summary>Starts a maintenance round now.</summary>
public sealed record MaintainNow : IGlacierCommand
{
    /// <summary>The one instance.</summary>
    public static readonly MaintainNow Instance = new();
}

/// <summary>Asks for the fragments this node holds.</summary>
public sealed record ListFragments : IGlacierCommand
{
    /// <summary>The one instance.</summary>
    public static readonly ListFragments Instance = new();
}

/// <summary>The fragments this node holds.</summary>
public sealed record HeldFragments(IReadOnlyList<FragmentKey> Fragments);

/// <summary>Asks for Glacier's counters.</summary>
public sealed record GetGlacierStatus : IGlacierCommand
{
    /// <summary>The one instance.</summary>
    public static readonly GetGlacierStatus Instance = new();
}

/// <summary>Glacier's counters: the store's, fragments rebuilt and handed to new roots, and maintenance progress.</summary>
/// <param name="RepliesRefused">Replies dropped because they answered no outstanding request, came from a node that was not asked, or were about another fragment.</param>
/// <param name="LeaseNow">This node's lease counter now.</param>
/// <param name="LastRebuild">The lease counter when a rebuilt fragment was last stored by its new holder, or null when none was since start.</param>
public sealed record GlacierStatus(FragmentStoreStats Store, long Rebuilt, long RebuildsFailed, long HandedOff, long ProbesSent, long TransfersRejected,
    bool MaintenanceRunning, long RepliesRefused = 0, Leases.LeaseInstant LeaseNow = default, Leases.LeaseInstant? LastRebuild = null);

/// <summary>
/// Asks the root of every fragment position of each container whether it holds that fragment (answered with
/// <see cref="FragmentsCounted"/>): how much redundancy an archive has left, as its holders say. At most
/// <see cref="MaxContainers"/> containers are counted; the rest are left out of the answer.
/// </summary>
public sealed record CountFragments(IReadOnlyList<ContainerRef> Containers) : IGlacierCommand
{
    /// <summary>The most containers one count asks about.</summary>
    public const int MaxContainers = 64;
}

/// <summary>One container's count: <paramref name="Held"/> of its <paramref name="N"/> fragments answered held; any <paramref name="M"/> rebuild it.</summary>
/// <param name="Unanswered">Positions whose root was not found or did not answer in time (counted as not held).</param>
public sealed record FragmentCount(RingId Container, int Held, int N, int M, int Unanswered)
{
    /// <summary>How many more fragments can be lost before the container cannot be rebuilt (negative: it cannot be now).</summary>
    public int Spare => Held - M;
}

/// <summary>The answer to <see cref="CountFragments"/>, in the order asked.</summary>
public sealed record FragmentsCounted(IReadOnlyList<FragmentCount> Containers);
