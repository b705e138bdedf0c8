using ePost.Simulation.Whole;
using Xunit.Abstractions;

namespace ePost.Simulation.Tests.Whole;

/// <summary>
/// The whole system on virtual time: real overlay, storage, Glacier, POST agents, spool and delivery agent on every
/// node, every message serialized, while nodes crash and restart, the ring splits, messages are lost, duplicated and
/// reordered and wall clocks are off by up to two years. Every acknowledged message must be filed exactly once.
/// </summary>
public sealed class WholeSystemSimulationTests(ITestOutputHelper output)
{
    private string _log = "";

    /// <summary>Far above a run's wall time on a loaded 2-core machine (15 to 40 s), far below CI's limit.</summary>
    private static readonly TimeSpan WallLimit = TimeSpan.FromMinutes(8);

    private WholeResult Run(WholeOptions options)
    {
        var log = new StringWriter();
        using var simulation = new WholeSimulation(options, log);
        // A wedged run fails with its log (which says how far it got) instead of holding the suite until CI's limit.
        using var limit = new CancellationTokenSource(WallLimit);
        WholeResult result;
        try
        {
            result = simulation.Run(limit.Token);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            output.WriteLine(log.ToString());
            throw new TimeoutException($"The simulation did not finish within {WallLimit.TotalMinutes} minutes of wall time; its log is above.");
        }
        _log = log.ToString();
        output.WriteLine(_log);
        output.WriteLine($"acknowledged {result.Invariants.Acknowledged}, filed once {result.Invariants.FiledOnce}, lost {result.Invariants.Lost}, " +
                         $"duplicated {result.Invariants.Duplicated}, {result.VirtualSeconds} s virtual, {result.WallSeconds} s wall");
        return result;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Every_acknowledged_message_is_filed_exactly_once_under_every_nemesis(int seed)
    {
        var result = Run(new WholeOptions(Nodes: 6, Users: 3, Messages: 12, Seed: seed, Nemeses: NemesisKind.All, SubmitMinutes: 3, SettleMinutes: 30));

        var r = result.Invariants;
        Assert.True(r.Holds, string.Join("\n", r.Violations));
        Assert.True(r.Converged, string.Join("\n", r.Violations));
        Assert.True(r.Acknowledged > 0, "nothing was acknowledged");
        Assert.Equal(r.Acknowledged, r.FiledOnce);
        // The faults really happened and the traffic really went through the serializers.
        Assert.True(result.Figures["restarts"] > 0, "no node was restarted");
        Assert.True(result.Figures["pauses"] > 0, "no node was paused");
        Assert.True(result.Figures["full_disks"] > 0, "no node ran on a full disk");
        Assert.True(result.Figures["network_bytes"] > 0);
        Assert.Equal(0, result.Figures["network_unreadable"]);
        Assert.True(result.Figures.GetValueOrDefault("network_storage_messages") > 0, "no storage traffic crossed the network");
        Assert.True(result.Figures.GetValueOrDefault("network_post_messages") > 0, "no POST traffic crossed the network");
    }

    [Fact]
    public void A_seed_replays_the_same_trace()
    {
        var options = new WholeOptions(Nodes: 4, Users: 2, Messages: 6, Seed: 5, Nemeses: NemesisKind.All, SubmitMinutes: 1, SettleMinutes: 20);

        var first = Run(options);
        var second = Run(options);

        Assert.True(first.Invariants.Holds, string.Join("\n", first.Invariants.Violations));
        Assert.Equal(first.Schedule, second.Schedule);
        Assert.Equal(first.TraceDigest, second.TraceDigest);
        // The digest covers the workload: another seed's (even without faults) is another trace.
        Assert.NotEqual(first.TraceDigest, Run(options with { Seed = 6, Nemeses = NemesisKind.None }).TraceDigest);
    }

    [Fact]
    public void A_spool_that_loses_an_acknowledged_message_is_caught()
    {
        var result = Run(new WholeOptions(Nodes: 4, Users: 2, Messages: 4, Seed: 3, Nemeses: NemesisKind.None, SubmitMinutes: 1, SettleMinutes: 3,
            InjectedBug: InjectedBug.LoseOneSpooledMessage));

        Assert.False(result.Invariants.Holds);
        Assert.Equal(1, result.Invariants.Lost);
        Assert.Equal(result.Invariants.Acknowledged - 1, result.Invariants.FiledOnce);
        // A failing seed says how to run it again.
        Assert.Contains("# seed 3 failed; replay: epost sim --whole --nodes 4 --users 2 --messages 4 --nemesis none --seed 3", _log);
    }
}
