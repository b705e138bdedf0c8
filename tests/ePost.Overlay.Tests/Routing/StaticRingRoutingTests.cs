using ePost.Core.Ids;
using ePost.Overlay.Routing;
using static ePost.Overlay.Tests.Support.Ids;

namespace ePost.Overlay.Tests.Routing;

/// <summary>Greedy routing over a static ring whose every node knows every other node it has room for.</summary>
public sealed class StaticRingRoutingTests
{
    private sealed record Member(NodeHandle Handle, LeafSet LeafSet, RoutingTable Table);

    private static Dictionary<RingId, Member> BuildRing(RingId[] ids, int leafSetSize, int bits)
    {
        var ring = new Dictionary<RingId, Member>();
        foreach (var id in ids)
        {
            var member = new Member(Handle(id), new LeafSet(Handle(id), leafSetSize), new RoutingTable(Handle(id), bits));
            foreach (var other in ids)
            {
                member.LeafSet.Offer(Handle(other));
                member.Table.Offer(Handle(other));
            }
            ring[id] = member;
        }
        return ring;
    }

    private static RingId TrueRoot(RingId key, RingId[] ids) =>
        ids.Aggregate((best, id) => RingId.IsCloser(key, id, best) ? id : best);

    [Theory]
    [InlineData(300, 24, 4, 21)]
    [InlineData(300, 8, 4, 22)]
    [InlineData(200, 16, 2, 23)]
    [InlineData(20, 24, 4, 24)]  // fewer than L+1 nodes: the sides overlap
    [InlineData(16, 24, 4, 25)]
    public void Greedy_routing_reaches_the_true_root_within_log_n_plus_one_hops_without_loops(int nodes, int leafSetSize, int bits, int seed)
    {
        var ids = RandomIds(nodes, seed);
        var ring = BuildRing(ids, leafSetSize, bits);
        var bound = (int)Math.Ceiling(Math.Log(nodes) / Math.Log(1 << bits)) + 1;
        var random = new Random(seed);
        var worst = 0;

        for (var i = 0; i < 3000; i++)
        {
            var key = i % 10 == 0 ? ids[random.Next(nodes)] : RingId.Random(random);
            var at = ring[ids[random.Next(nodes)]];
            var visited = new HashSet<RingId> { at.Handle.Id };
            var hops = 0;
            while (NextHop.For(key, at.LeafSet, at.Table) is { } next)
            {
                Assert.True(visited.Add(next.Id), $"routing {key} looped back to {next}");
                at = ring[next.Id];
                hops++;
                Assert.True(hops <= bound, $"routing {key} took more than {bound} hops");
            }
            Assert.Equal(TrueRoot(key, ids), at.Handle.Id);
            worst = Math.Max(worst, hops);
        }
        Assert.True(worst >= 1);
    }
}
