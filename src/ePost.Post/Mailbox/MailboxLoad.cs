namespace ePost.Post.Mailbox;

/// <summary>How far a user agent is in loading its mailbox from the ring (what a progress line shows).</summary>
/// <param name="Phase">What it is doing: "restoring the archive", "reading the mailbox list", "reading folders".</param>
/// <param name="Done">Steps of the phase done (containers restored, folders read).</param>
/// <param name="Total">Steps of the phase in all, or null when not known yet.</param>
/// <param name="EntriesRead">Log entries read from the ring so far, over all phases.</param>
public sealed record MailboxLoad(string Phase, long Done, long? Total, long EntriesRead);

/// <summary>
/// The loading state a user agent's bootstrap task updates and its status reads: the task runs off the actor's thread,
/// so the state is guarded by a lock, and only counts and phase names cross.
/// </summary>
internal sealed class MailboxLoadTracker
{
    private readonly object _gate = new();
    private string _phase = "starting";
    private long _done;
    private long? _total;
    private long _entries;

    /// <summary>Starts a phase of <paramref name="total"/> steps (null: not known).</summary>
    public void Begin(string phase, long? total)
    {
        lock (_gate) (_phase, _done, _total) = (phase, 0, total);
    }

    /// <summary>One step of the phase is done.</summary>
    public void Step()
    {
        lock (_gate) _done++;
    }

    /// <summary>One more log entry was read; always false, so it can serve as a chain reader's stop predicate.</summary>
    public bool EntryRead()
    {
        lock (_gate) _entries++;
        return false;
    }

    /// <summary>The state now.</summary>
    public MailboxLoad Snapshot()
    {
        lock (_gate) return new MailboxLoad(_phase, _done, _total, _entries);
    }
}
