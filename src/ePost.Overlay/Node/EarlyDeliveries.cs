namespace ePost.Overlay.Node;

/// <summary>
/// Deliveries that arrived before any application registered for their payload type: at start-up the ring node is
/// reachable before the storage and POST actors have registered, and a replica's reply or chunk thrown away then
/// costs a whole retry round. They are held (at most <c>limit</c>, each at most <c>wait</c>) and handed over when
/// an application registers; what overflows or expires is dropped and counted.
/// </summary>
/// <remarks>Plain state with no actor or clock of its own, so the ring node and tests drive it with any time.</remarks>
public sealed class EarlyDeliveries(int limit, TimeSpan wait)
{
    private readonly LinkedList<Held> _held = new();

    /// <summary>Deliveries held now.</summary>
    public int Count => _held.Count;

    /// <summary>Deliveries dropped because the buffer was full.</summary>
    public long DroppedFull { get; private set; }

    /// <summary>Deliveries dropped because no application registered for them in time.</summary>
    public long DroppedExpired { get; private set; }

    /// <summary>When the oldest held delivery expires, or null when none is held.</summary>
    public TimeSpan? NextDeadline => _held.First?.Value.Deadline;

    /// <summary>Holds <paramref name="envelope"/> (carrying <paramref name="payload"/>) until <paramref name="now"/> + wait; false (and counted) when full.</summary>
    public bool Hold(object payload, object envelope, TimeSpan now)
    {
        if (_held.Count >= limit)
        {
            DroppedFull++;
            return false;
        }
        // Deadlines grow with arrival (one clock, one wait), so the list stays ordered by deadline.
        _held.AddLast(new Held(payload, envelope, now + wait));
        return true;
    }

    /// <summary>Removes and returns, oldest first, the held envelopes whose payload is a <paramref name="payloadType"/>.</summary>
    public IReadOnlyList<object> Release(Type payloadType)
    {
        var released = new List<object>();
        for (var node = _held.First; node is not null;)
        {
            var next = node.Next;
            if (payloadType.IsInstanceOfType(node.Value.Payload))
            {
                released.Add(node.Value.Envelope);
                _held.Remove(node);
            }
            node = next;
        }
        return released;
    }

    /// <summary>Drops (and counts) every delivery whose deadline is at or before <paramref name="now"/>; returns how many.</summary>
    public int Expire(TimeSpan now)
    {
        var expired = 0;
        while (_held.First is { } first && first.Value.Deadline <= now)
        {
            _held.RemoveFirst();
            expired++;
        }
        DroppedExpired += expired;
        return expired;
    }

    private sealed record Held(object Payload, object Envelope, TimeSpan Deadline);
}
