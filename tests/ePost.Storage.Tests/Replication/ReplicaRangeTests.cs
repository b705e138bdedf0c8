using ePost.Core.Ids;
using ePost.Overlay;
using ePost.Storage.Replication;

namespace ePost.Storage.Tests.Replication;

public sealed class ReplicaRangeTests
{
    private static NodeHandle Node(int i, int of) => new(RingId.FromFraction(i, of), $"n{i}", 1);

    [Fact]
    public void Replicas_are_the_r_closest_nodes_and_the_responsible_arc_holds_exactly_the_keys_this_node_replicates()
    {
        var nodes = Enumerable.Range(0, 16).Select(i => Node(i, 16)).ToList();
        var range = new ReplicaRange(nodes[5], nodes, 4);
        var arc = range.ResponsibleArc();
        var random = new Random(3);
        for (var k = 0; k < 2000; k++)
        {
            var key = RingId.Random(random);
            Assert.Equal(range.IsReplica(key), arc.Contains(key));
        }
        Assert.Equal(6, range.Partners().Count);
    }

    [Fact]
    public void A_ring_smaller_than_two_r_makes_every_key_this_node_s_concern()
    {
        var nodes = Enumerable.Range(0, 5).Select(i => Node(i, 5)).ToList();
        Assert.Equal(ePost.Storage.Local.RingArc.Whole, new ReplicaRange(nodes[0], nodes, 4).ResponsibleArc());
    }
}
