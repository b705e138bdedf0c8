using ePost.Core.Ids;
using ePost.Storage.Leases;

namespace ePost.Storage.Glacier;

/// <summary>What a refresh does with one container.</summary>
public enum RefreshAction
{
    /// <summary>Nothing in it is referenced any more: let it expire.</summary>
    Drop,

    /// <summary>Mostly live: extend its lease in place (a new manifest version for every holder, no data moved).</summary>
    RenewInPlace,

    /// <summary>Mostly expired, or not ours to re-sign: archive the live members into new containers and let this one expire.</summary>
    Repack,
}

/// <summary>The outcome of <see cref="RepackPolicy.Plan"/>: the action, the members kept with their new leases, and the container's new lease.</summary>
public sealed record RefreshPlan(RefreshAction Action, IReadOnlyList<ContainerMember> Kept, LeaseDuration? Lease);

/// <summary>
/// Decides how a container is refreshed. A container lives as long as its longest-lived member, so a renewal in
/// place takes the longest lease the owner asks for; once less than the minimum fraction of its bytes is still
/// referenced, renewing would keep paying n/m for the dead bytes, so the live members are repacked instead.
/// </summary>
public static class RepackPolicy
{
    /// <summary>Plans the refresh of a container's <paramref name="members"/> given the leases its owner still wants.</summary>
    /// <param name="members">The container's members.</param>
    /// <param name="live">Ids the owner still references, each with the lease it wants from now on.</param>
    /// <param name="canSign">True when this node signed the container's manifest, so it may issue a renewal.</param>
    /// <param name="minLiveFraction">Below this fraction of live bytes the container is repacked.</param>
    public static RefreshPlan Plan(IReadOnlyList<ContainerMember> members, IReadOnlyDictionary<RingId, LeaseDuration> live, bool canSign, double minLiveFraction)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(live);
        var kept = members.Where(m => live.ContainsKey(m.Object.Id)).Select(m => m with { Lease = live[m.Object.Id] }).ToList();
        if (kept.Count == 0) return new RefreshPlan(RefreshAction.Drop, kept, null);
        long total = members.Sum(m => (long)m.Object.EncodedLength), alive = kept.Sum(m => (long)m.Object.EncodedLength);
        var action = canSign && alive >= minLiveFraction * total ? RefreshAction.RenewInPlace : RefreshAction.Repack;
        return new RefreshPlan(action, kept, Aggregator.LeaseOf(kept));
    }
}
