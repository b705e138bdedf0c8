using ePost.Core.Ids;
using ePost.Storage.Glacier;
using ePost.Storage.Leases;
using ePost.Storage.Tests.Support;

namespace ePost.Storage.Tests.Glacier;

public class RepackPolicyTests
{
    private static readonly List<ContainerMember> Members =
        Enumerable.Range(0, 10).Select(i => new ContainerMember(TestObjects.Block(i, 1000), LeaseDuration.FromDays(1))).ToList();

    private static Dictionary<RingId, LeaseDuration> Live(int count, int days = 30) =>
        Members.Take(count).ToDictionary(m => m.Object.Id, m => LeaseDuration.FromDays(days + Members.IndexOf(m)));

    [Fact]
    public void A_mostly_live_container_is_renewed_in_place_for_its_longest_lived_member()
    {
        var plan = RepackPolicy.Plan(Members, Live(8), canSign: true, minLiveFraction: 0.5);
        Assert.Equal(RefreshAction.RenewInPlace, plan.Action);
        Assert.Equal(LeaseDuration.FromDays(37), plan.Lease);
        Assert.Equal(8, plan.Kept.Count);
    }

    [Fact]
    public void A_mostly_expired_container_is_repacked_with_each_live_member_keeping_its_own_lease()
    {
        var plan = RepackPolicy.Plan(Members, Live(3), canSign: true, minLiveFraction: 0.5);
        Assert.Equal(RefreshAction.Repack, plan.Action);
        Assert.Equal(Members.Take(3).Select(m => m.Object.Id), plan.Kept.Select(k => k.Object.Id));
        Assert.Equal([30, 31, 32], plan.Kept.Select(k => (int)k.Lease.AsTimeSpan.TotalDays));
    }

    [Fact]
    public void A_container_this_node_cannot_re_sign_is_repacked_however_live_it_is()
    {
        Assert.Equal(RefreshAction.Repack, RepackPolicy.Plan(Members, Live(10), canSign: false, minLiveFraction: 0.5).Action);
    }

    [Fact]
    public void A_container_with_nothing_live_is_dropped_and_ids_it_does_not_hold_are_ignored()
    {
        var strangers = new Dictionary<RingId, LeaseDuration> { [TestObjects.Block(99).Id] = LeaseDuration.FromDays(5) };
        var plan = RepackPolicy.Plan(Members, strangers, canSign: true, minLiveFraction: 0.5);
        Assert.Equal(RefreshAction.Drop, plan.Action);
        Assert.Empty(plan.Kept);
    }
}
