namespace ePost.Simulation.Network;

/// <summary>
/// The simulator's virtual clock: actions scheduled at virtual instants run in time order (ties in the order they
/// were scheduled), so a run is a pure function of its seed.
/// </summary>
public sealed class EventQueue
{
    private readonly PriorityQueue<Action, (long Ticks, long Sequence)> _queue = new();
    private long _sequence;

    /// <summary>The current virtual time.</summary>
    public TimeSpan Now { get; private set; }

    /// <summary>Events waiting to run.</summary>
    public int Pending => _queue.Count;

    /// <summary>Events run so far.</summary>
    public long Executed { get; private set; }

    /// <summary>Runs <paramref name="action"/> after <paramref name="delay"/> of virtual time.</summary>
    public void Schedule(TimeSpan delay, Action action)
    {
        if (delay < TimeSpan.Zero) delay = TimeSpan.Zero;
        _queue.Enqueue(action, ((Now + delay).Ticks, _sequence++));
    }

    /// <summary>Runs every event due up to <paramref name="until"/>, then sets the clock to it.</summary>
    public void RunUntil(TimeSpan until)
    {
        while (_queue.TryPeek(out _, out var due) && due.Ticks <= until.Ticks)
        {
            _queue.TryDequeue(out var action, out _);
            Now = TimeSpan.FromTicks(due.Ticks);
            Executed++;
            action!();
        }
        if (until > Now) Now = until;
    }

    /// <summary>Runs for a span of virtual time.</summary>
    public void RunFor(TimeSpan span) => RunUntil(Now + span);

    /// <summary>Runs until <paramref name="condition"/> holds (checked every <paramref name="step"/>) or <paramref name="limit"/> passes.</summary>
    /// <returns>True when the condition held.</returns>
    public bool RunUntil(Func<bool> condition, TimeSpan step, TimeSpan limit)
    {
        var end = Now + limit;
        while (Now < end)
        {
            if (condition()) return true;
            RunUntil(Now + step < end ? Now + step : end);
        }
        return condition();
    }
}
