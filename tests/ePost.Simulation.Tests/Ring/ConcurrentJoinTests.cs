namespace ePost.Simulation.Tests.Ring;

public sealed class ConcurrentJoinTests
{
    [Theory]
    [InlineData(1, 1)]    // 50 nodes joining a lone bootstrap at once
    [InlineData(30, 2)]   // 50 nodes joining a ring of 30 at once, all through the same node
    public void Nodes_joining_at_the_same_instant_through_the_same_bootstrap_converge(int existing, int seed)
    {
        var ring = RingBuilder.Grow(existing, seed);
        Assert.True(ring.Converge(TimeSpan.FromMinutes(2)));
        var bootstrap = ring.Nodes[0];

        var joiners = Enumerable.Range(0, 50).Select(_ => ring.AddNode()).ToList();
        foreach (var joiner in joiners) ring.Start(joiner, bootstrap);

        Assert.True(ring.Converge(TimeSpan.FromMinutes(5)), $"{ring.CountWrongLeafSets()} leaf sets wrong");
        Assert.All(joiners, j => Assert.True(j.Engine.IsReady));
        Assert.All(ring.RunLookups(1000, seed), o => Assert.True(o.Correct));
    }
}
