using ePost.Core.Ids;
using ePost.Overlay.Routing;
using static ePost.Overlay.Tests.Support.Ids;

namespace ePost.Overlay.Tests.Routing;

/// <summary>Leaf sets built from random ids in random orders hold exactly the true nearest nodes.</summary>
public sealed class LeafSetPropertyTests
{
    /// <summary>The true L/2 nearest ids on each side of <paramref name="self"/>, nearest first.</summary>
    private static (RingId[] Clockwise, RingId[] CounterClockwise) TrueNeighbours(RingId self, IEnumerable<RingId> others, int half)
    {
        var list = others.Where(id => id != self).ToList();
        return (list.OrderBy(id => RingId.ClockwiseDistance(self, id)).Take(half).ToArray(),
                list.OrderBy(id => RingId.ClockwiseDistance(id, self)).Take(half).ToArray());
    }

    public static TheoryData<int, int, int> Cases => new()
    {
        // seed, nodes, leaf-set size
        { 1, 200, 24 },
        { 2, 30, 24 },  // between L/2 and L others: sides overlap
        { 3, 13, 24 },  // exactly L/2 others
        { 4, 8, 24 },   // fewer than L/2 others: everyone on both sides
        { 5, 100, 8 },
        { 6, 6, 4 },
        { 7, 500, 2 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_reach_of_a_neighbour_s_leaf_set_answers_as_that_leaf_set_built_from_its_members_would(int seed, int nodes, int size)
    {
        var random = new Random(seed);
        var ids = RandomIds(nodes, seed);
        for (var trial = 0; trial < 10; trial++)
        {
            var owner = ids[random.Next(ids.Length)];
            // What a neighbour sends: its members, possibly with its own id and a repeat among them.
            var members = ids.OrderBy(_ => random.Next()).Take(random.Next(1, Math.Min(ids.Length, size + 2))).Select(id => Handle(id)).ToList();
            members.Add(members[0]);
            var built = new LeafSet(Handle(owner), size);
            foreach (var n in members) built.Offer(n);
            var reach = LeafSet.Reach(owner, members, size);
            foreach (var other in ids.Where(id => id != owner && members.All(m => m.Id != id)))
                Assert.Equal(built.WouldAccept(Handle(other)), LeafSet.WouldReach(owner, reach, Handle(other)));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Offering_random_ids_in_any_order_yields_exactly_the_true_nearest_on_each_side(int seed, int nodes, int size)
    {
        var random = new Random(seed);
        var ids = RandomIds(nodes, seed);
        for (var trial = 0; trial < 10; trial++)
        {
            var self = ids[random.Next(ids.Length)];
            var leafSet = new LeafSet(Handle(self), size);
            foreach (var id in ids.OrderBy(_ => random.Next())) leafSet.Offer(Handle(id));

            var (clockwise, counter) = TrueNeighbours(self, ids, size / 2);
            Assert.Equal(clockwise, leafSet.Clockwise.Select(n => n.Id));
            Assert.Equal(counter, leafSet.CounterClockwise.Select(n => n.Id));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void After_removals_reoffering_the_survivors_restores_the_true_nearest(int seed, int nodes, int size)
    {
        var random = new Random(seed + 100);
        var ids = RandomIds(nodes, seed);
        for (var trial = 0; trial < 10; trial++)
        {
            var self = ids[random.Next(ids.Length)];
            var leafSet = new LeafSet(Handle(self), size);
            foreach (var id in ids.OrderBy(_ => random.Next())) leafSet.Offer(Handle(id));

            // Members die; the survivors are offered again (as probes and leaf-set exchanges do).
            var dead = leafSet.Members.Where(_ => random.Next(3) == 0).Select(n => n.Id).ToHashSet();
            foreach (var id in dead) leafSet.Remove(id);
            var survivors = ids.Where(id => !dead.Contains(id)).ToArray();
            foreach (var id in survivors.OrderBy(_ => random.Next())) leafSet.Offer(Handle(id));

            var (clockwise, counter) = TrueNeighbours(self, survivors, size / 2);
            Assert.Equal(clockwise, leafSet.Clockwise.Select(n => n.Id));
            Assert.Equal(counter, leafSet.CounterClockwise.Select(n => n.Id));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_correct_leaf_set_resolves_every_covered_key_to_its_true_root(int seed, int nodes, int size)
    {
        var random = new Random(seed + 200);
        var ids = RandomIds(nodes, seed);
        var self = ids[0];
        var leafSet = new LeafSet(Handle(self), size);
        foreach (var id in ids) leafSet.Offer(Handle(id));
        var covered = 0;
        for (var i = 0; i < 2000; i++)
        {
            // Keys near self are the interesting ones: pick them within a few neighbours' spacing.
            var key = self + RingId.FromFraction(random.Next(1_000_000), 1_000_000 * Math.Max(1, nodes / (size + 1)));
            if (random.Next(2) == 0) key = self - (key - self);
            if (!leafSet.Covers(key)) continue;
            covered++;
            var root = ids.Aggregate((best, id) => RingId.IsCloser(key, id, best) ? id : best);
            Assert.Equal(root, leafSet.Closest(key).Id);
        }
        Assert.True(covered > 200, $"only {covered} of 2000 keys were covered");
    }
}
