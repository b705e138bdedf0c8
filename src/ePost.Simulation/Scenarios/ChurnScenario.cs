using ePost.Core.Ids;
using ePost.Simulation.Faults;

namespace ePost.Simulation.Scenarios;

/// <summary>What happened while nodes kept failing and being replaced.</summary>
/// <param name="Minutes">Virtual minutes of churn.</param>
/// <param name="Failures">Nodes that crashed.</param>
/// <param name="Joins">Replacement nodes that joined.</param>
/// <param name="Lookups">Lookups spread evenly over the churn, judged when each answer arrived.</param>
/// <param name="WrongLeafSetsAtEnd">Leaf sets differing from the truth when the churn stopped.</param>
/// <param name="MaintenanceMsgsPerNodeSecond">Maintenance traffic during the churn.</param>
public sealed record ChurnResult(double Minutes, int Failures, int Joins, LookupStats Lookups, int WrongLeafSetsAtEnd, double MaintenanceMsgsPerNodeSecond);

/// <summary>Issue 3's churn scenario: exponential sessions of a given median, constant population, lookups throughout.</summary>
public static class ChurnScenario
{
    /// <summary>Runs the scenario on a converged ring.</summary>
    public static ChurnResult Run(Ring.SimulatedRing ring, TimeSpan medianSession, TimeSpan duration, int lookups, Random random)
    {
        var phase = new FaultPhase(ring);
        var churn = new ChurnDriver(ring, medianSession, new Random(random.Next()));
        churn.Start();
        var run = new LookupRun(ring);
        var spacing = lookups == 0 ? duration : duration / lookups;
        run.Schedule(lookups, spacing, () =>
        {
            var ready = ring.ActiveNodes.Where(n => n.Engine.IsReady).ToList();
            return ready.Count == 0 ? null : (ready[random.Next(ready.Count)], RingId.Random(random));
        });
        ring.Clock.RunFor(duration);
        churn.Stop();
        var wrong = ring.CountWrongLeafSets();
        var maintenance = phase.MaintenancePerNodeSecond();
        run.AwaitAnswers(TimeSpan.FromMinutes(2));
        return new ChurnResult(duration.TotalMinutes, churn.Failures, churn.Joins, run.Stats(), wrong, maintenance);
    }
}
