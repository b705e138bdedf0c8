using ePost.Core.Ids;
using ePost.Simulation.Ring;

namespace ePost.Simulation.Scenarios;

/// <summary>A batch of lookups sent on a schedule of virtual time, each origin and key chosen when it is sent.</summary>
public sealed class LookupRun(SimulatedRing ring)
{
    // Request id -> the origin's partition group when the lookup was sent.
    private readonly Dictionary<long, int> _sent = new();

    /// <summary>Lookups sent so far.</summary>
    public int Sent => _sent.Count;

    /// <summary>
    /// Schedules <paramref name="count"/> lookups <paramref name="spacing"/> apart starting now; <paramref name="pick"/>
    /// chooses origin and key at send time (null skips that slot).
    /// </summary>
    public void Schedule(int count, TimeSpan spacing, Func<(SimulatedNode From, RingId Key)?> pick)
    {
        for (var i = 0; i < count; i++)
            ring.Clock.Schedule(spacing * i, () =>
            {
                if (pick() is var (from, key)) _sent[ring.Lookup(from, key)] = ring.GroupOf(from);
            });
    }

    /// <summary>Sends the lookups <paramref name="spacing"/> apart and waits (at most <paramref name="limit"/> after the last) for their answers.</summary>
    public LookupStats RunToEnd(int count, TimeSpan spacing, Func<(SimulatedNode From, RingId Key)?> pick, TimeSpan limit)
    {
        Schedule(count, spacing, pick);
        ring.Clock.RunFor(spacing * count);
        AwaitAnswers(limit);
        return Stats();
    }

    /// <summary>Runs the clock until every lookup from a live origin is answered, or the limit passes.</summary>
    public bool AwaitAnswers(TimeSpan limit) =>
        ring.Clock.RunUntil(() => !_sent.Keys.Any(ring.IsPendingFromLiveOrigin), TimeSpan.FromSeconds(1), limit);

    /// <summary>The outcomes so far, optionally only of lookups sent from one partition group.</summary>
    public LookupStats Stats(int? originGroup = null)
    {
        var ids = _sent.Where(p => originGroup is null || p.Value == originGroup).Select(p => p.Key).ToHashSet();
        var outcomes = ring.CompletedLookups.Where(o => ids.Contains(o.RequestId)).ToList();
        var lost = ids.Count(ring.IsPendingFromLiveOrigin);
        var unanswerable = ids.Count(ring.IsPending) - lost;
        return LookupStats.From(outcomes, lost, unanswerable);
    }
}
