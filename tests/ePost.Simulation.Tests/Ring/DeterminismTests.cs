using ePost.Simulation.Ring;

namespace ePost.Simulation.Tests.Ring;

public sealed class DeterminismTests
{
    private static (List<LookupOutcome> Outcomes, long Messages, long Events) Run(int seed)
    {
        var ring = RingBuilder.Grow(60, seed);
        ring.Converge(TimeSpan.FromMinutes(2));
        ring.Crash(ring.Nodes[7]);
        ring.Clock.RunFor(TimeSpan.FromSeconds(30));
        var outcomes = ring.RunLookups(300, seed);
        return (outcomes, ring.Network.MessagesSent, ring.Clock.Executed);
    }

    [Fact]
    public void The_same_seed_gives_the_same_run()
    {
        var first = Run(seed: 42);
        var second = Run(seed: 42);

        Assert.Equal(first.Outcomes, second.Outcomes);
        Assert.Equal(first.Messages, second.Messages);
        Assert.Equal(first.Events, second.Events);
    }

    [Fact]
    public void Another_seed_gives_another_run()
    {
        var first = Run(seed: 42);
        var other = Run(seed: 43);

        Assert.NotEqual(first.Outcomes.Select(o => o.Key), other.Outcomes.Select(o => o.Key));
    }
}
