using ePost.Mail.Imap.Sequences;

namespace ePost.Mail.Imap.Mailbox;

/// <summary>
/// The UIDs for VANISHED (EARLIER) (RFC 7162 §3.2.10): those a client named (its known UIDs, or a UID FETCH set) below
/// UIDNEXT that the mailbox no longer has. The store keeps no list of expunged UIDs, so UIDs that never existed are
/// included too, as RFC 7162 §3.2.5.1 allows; clients ignore UIDs they do not know. Computed range by range, so a
/// client naming 1:4294967295 costs the number of its ranges plus the number of messages, never the UIDs it spans.
/// </summary>
public static class VanishedSet
{
    /// <summary>The vanished UIDs as a set, or null when there are none.</summary>
    public static SequenceSet? Of(SequenceSet named, uint uidNext, IReadOnlyList<uint> existingSorted)
    {
        if (uidNext <= 1) return null;
        uint highest = uidNext - 1;
        var intervals = named.Ranges
            .Select(r => r.Resolve(existingSorted.Count > 0 ? existingSorted[^1] : highest))
            .Select(r => (Low: Math.Min(r.Low, r.High), High: Math.Min(Math.Max(r.Low, r.High), highest)))
            .Where(r => r.Low >= 1 && r.Low <= r.High)
            .OrderBy(r => r.Low)
            .ToList();
        var result = new List<SequenceRange>();
        int next = 0;
        (uint Low, uint High)? current = null;
        foreach (var interval in Merge(intervals))
        {
            uint low = interval.Low;
            while (next < existingSorted.Count && existingSorted[next] < low) next++;
            while (next < existingSorted.Count && existingSorted[next] <= interval.High)
            {
                uint uid = existingSorted[next++];
                if (uid > low) Add(low, uid - 1);
                low = uid + 1;
                if (uid == interval.High) break;
            }
            if (low <= interval.High && low != 0) Add(low, interval.High);
        }
        if (current is { } last) result.Add(Range(last.Low, last.High));
        return result.Count == 0 ? null : new SequenceSet(result);

        void Add(uint low, uint high)
        {
            if (current is { } open && open.High + 1 == low) current = (open.Low, high);
            else
            {
                if (current is { } done) result.Add(Range(done.Low, done.High));
                current = (low, high);
            }
        }
    }

    private static IEnumerable<(uint Low, uint High)> Merge(List<(uint Low, uint High)> sorted)
    {
        (uint Low, uint High)? open = null;
        foreach (var interval in sorted)
        {
            if (open is { } o && interval.Low <= (ulong)o.High + 1) open = (o.Low, Math.Max(o.High, interval.High));
            else
            {
                if (open is { } done) yield return done;
                open = interval;
            }
        }
        if (open is { } last) yield return last;
    }

    private static SequenceRange Range(uint low, uint high) => new(new SequenceBound(low, false), new SequenceBound(high, false));
}
