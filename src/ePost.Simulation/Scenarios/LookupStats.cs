using ePost.Simulation.Ring;

namespace ePost.Simulation.Scenarios;

/// <summary>
/// The outcome of a batch of lookups. A lookup is correct when the node that answered is the true root among the
/// active nodes of the origin's partition group when the answer arrived; it is wrong-root when another node answered;
/// lost when no answer came although the origin stayed alive; unanswerable when the origin itself crashed first.
/// </summary>
public sealed record LookupStats(
    int Sent, int Correct, int WrongRoot, int Lost, int Unanswerable,
    double MeanHops, int P99Hops, int MaxHops, double MeanLatencyMs)
{
    /// <summary>Lookups that could have been answered: all sent minus those whose origin crashed.</summary>
    public int Answerable => Sent - Unanswerable;

    /// <summary>Fraction of answerable lookups that reached the true root (1 when there were none).</summary>
    public double DeliveredToRootFraction => Answerable == 0 ? 1 : (double)Correct / Answerable;

    /// <summary>Fraction of answerable lookups answered by a node that is not the true root (0 when there were none).</summary>
    public double WrongRootFraction => Answerable == 0 ? 0 : (double)WrongRoot / Answerable;

    /// <summary>Summarises answered outcomes plus the counts of unanswered ones.</summary>
    public static LookupStats From(IReadOnlyCollection<LookupOutcome> outcomes, int lost, int unanswerable)
    {
        var hops = outcomes.Select(o => o.Hops).Order().ToArray();
        var correct = outcomes.Count(o => o.Correct);
        return new LookupStats(
            Sent: outcomes.Count + lost + unanswerable,
            Correct: correct,
            WrongRoot: outcomes.Count - correct,
            Lost: lost,
            Unanswerable: unanswerable,
            MeanHops: hops.Length == 0 ? 0 : hops.Average(),
            P99Hops: hops.Length == 0 ? 0 : hops[(int)Math.Min(hops.Length - 1, Math.Ceiling(hops.Length * 0.99) - 1)],
            MaxHops: hops.Length == 0 ? 0 : hops[^1],
            MeanLatencyMs: outcomes.Count == 0 ? 0 : outcomes.Average(o => o.Latency.TotalMilliseconds));
    }
}
