using System.Text;
using ePost.Mail.Imap.Protocol;

namespace ePost.Mail.Imap.Sequences;

/// <summary>One end of a sequence range: a number, or "*" (the largest number in use).</summary>
public readonly record struct SequenceBound(uint Value, bool IsStar)
{
    /// <summary>The "*" bound.</summary>
    public static SequenceBound Star => new(0, true);

    /// <summary>The bound with "*" replaced by <paramref name="largest"/>.</summary>
    public uint Resolve(uint largest) => IsStar ? largest : Value;

    /// <inheritdoc/>
    public override string ToString() => IsStar ? "*" : Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>"a:b" (either order, RFC 3501 treats it as the closed interval between them) or a single number.</summary>
public readonly record struct SequenceRange(SequenceBound First, SequenceBound Last)
{
    /// <summary>The interval [low, high] once "*" means <paramref name="largest"/>.</summary>
    public (uint Low, uint High) Resolve(uint largest)
    {
        uint a = First.Resolve(largest), b = Last.Resolve(largest);
        return a <= b ? (a, b) : (b, a);
    }

    /// <inheritdoc/>
    public override string ToString() => First == Last ? First.ToString() : $"{First}:{Last}";
}

/// <summary>An IMAP sequence-set (message sequence numbers or UIDs) with its resolution against a mailbox.</summary>
public sealed class SequenceSet
{
    /// <summary>The ranges in the order the client wrote them.</summary>
    public IReadOnlyList<SequenceRange> Ranges { get; }

    /// <summary>
    /// "$" (RFC 5182 SEARCHRES): the last saved SEARCH result, which the session substitutes. On its own it names nothing:
    /// no ranges, so every resolution is empty.
    /// </summary>
    public static SequenceSet SavedResult { get; } = new();

    /// <summary>True for <see cref="SavedResult"/>.</summary>
    public bool IsSavedResult { get; }

    private SequenceSet()
    {
        Ranges = [];
        IsSavedResult = true;
    }

    /// <summary>Creates a set from ranges.</summary>
    public SequenceSet(IReadOnlyList<SequenceRange> ranges)
    {
        if (ranges.Count == 0) throw new ArgumentException("A sequence set is never empty", nameof(ranges));
        Ranges = ranges;
    }

    /// <summary>Parses "2,4:7,9,12:*"; throws <see cref="ImapParseException"/> on anything else.</summary>
    public static SequenceSet Parse(string text)
    {
        var cursor = new ImapTokenCursor(ImapCommandFrame.FromLine(text));
        var set = Read(cursor);
        cursor.End();
        return set;
    }

    internal static SequenceSet Read(ImapTokenCursor cursor)
    {
        if (cursor.TryConsume('$')) return SavedResult;
        var ranges = new List<SequenceRange>();
        do
        {
            var first = ReadBound(cursor);
            var last = cursor.TryConsume(':') ? ReadBound(cursor) : first;
            ranges.Add(new SequenceRange(first, last));
        } while (cursor.TryConsume(','));
        return new SequenceSet(ranges);
    }

    private static SequenceBound ReadBound(ImapTokenCursor cursor)
    {
        if (cursor.TryConsume('*')) return SequenceBound.Star;
        int next = cursor.Peek();
        if (next is < '0' or > '9') throw cursor.Error("Invalid sequence set");
        return new SequenceBound(cursor.NzNumber(), false);
    }

    /// <summary>The message sequence numbers (ascending, distinct) this set selects in a mailbox of <paramref name="count"/> messages.</summary>
    /// <remarks>Numbers beyond the mailbox are ignored; use <see cref="IsWithin"/> first to answer BAD as RFC 3501 asks.</remarks>
    public IReadOnlyList<uint> ResolveSequenceNumbers(uint count)
    {
        var selected = new List<uint>();
        foreach (var (low, high) in MergedIntervals(count))
            for (ulong n = Math.Max(low, 1u); n <= Math.Min(high, count); n++) selected.Add((uint)n);
        return selected;
    }

    /// <summary>True when every number lies in 1..<paramref name="count"/> (a sequence set naming a missing message is BAD).</summary>
    public bool IsWithin(uint count) =>
        count > 0 && Ranges.All(r => r.Resolve(count).High <= count);

    /// <summary>The UIDs of <paramref name="sortedUids"/> (ascending) that this set selects; "*" is the highest UID.</summary>
    /// <remarks>Cost is O(ranges · log n + result), whatever numbers the client wrote.</remarks>
    public IReadOnlyList<uint> ResolveUids(IReadOnlyList<uint> sortedUids)
    {
        if (sortedUids.Count == 0) return [];
        var selected = new List<uint>();
        foreach (var (low, high) in MergedIntervals(sortedUids[^1]))
            for (int i = LowerBound(sortedUids, low); i < sortedUids.Count && sortedUids[i] <= high; i++)
                selected.Add(sortedUids[i]);
        return selected;
    }

    /// <summary>The ranges resolved, sorted and merged, so overlapping ranges cost nothing extra.</summary>
    private List<(uint Low, uint High)> MergedIntervals(uint largest)
    {
        var intervals = Ranges.Select(r => r.Resolve(largest)).OrderBy(r => r.Low).ToList();
        var merged = new List<(uint Low, uint High)>();
        foreach (var (low, high) in intervals)
        {
            if (merged.Count > 0 && (ulong)low <= (ulong)merged[^1].High + 1)
                merged[^1] = (merged[^1].Low, Math.Max(merged[^1].High, high));
            else merged.Add((low, high));
        }
        return merged;
    }

    /// <summary>True when <paramref name="number"/> is in the set, "*" meaning <paramref name="largest"/>.</summary>
    public bool Contains(uint number, uint largest) =>
        Ranges.Any(r =>
        {
            var (low, high) = r.Resolve(largest);
            return number >= low && number <= high;
        });

    /// <summary>The shortest set naming exactly <paramref name="numbers"/> ("1:3,7"), e.g. for COPYUID.</summary>
    public static SequenceSet FromNumbers(IEnumerable<uint> numbers)
    {
        var sorted = numbers.Distinct().Order().ToList();
        if (sorted.Count == 0) throw new ArgumentException("At least one number is needed", nameof(numbers));
        var ranges = new List<SequenceRange>();
        int start = 0;
        for (int i = 1; i <= sorted.Count; i++)
        {
            if (i < sorted.Count && sorted[i] == sorted[i - 1] + 1) continue;
            ranges.Add(new SequenceRange(new(sorted[start], false), new(sorted[i - 1], false)));
            start = i;
        }
        return new SequenceSet(ranges);
    }

    /// <summary>Builds a set from numbers in the given order (COPYUID needs source and destination in matching order).</summary>
    public static SequenceSet InOrder(IEnumerable<uint> numbers)
    {
        var ranges = new List<SequenceRange>();
        foreach (uint n in numbers)
        {
            if (ranges.Count > 0 && !ranges[^1].Last.IsStar && ranges[^1].Last.Value + 1 == n && ranges[^1].First.Value <= ranges[^1].Last.Value)
                ranges[^1] = ranges[^1] with { Last = new(n, false) };
            else ranges.Add(new SequenceRange(new(n, false), new(n, false)));
        }
        return new SequenceSet(ranges);
    }

    private static int LowerBound(IReadOnlyList<uint> sorted, uint value)
    {
        int lo = 0, hi = sorted.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < value) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        if (IsSavedResult) return "$";
        var text = new StringBuilder();
        foreach (var range in Ranges)
        {
            if (text.Length > 0) text.Append(',');
            text.Append(range);
        }
        return text.ToString();
    }
}
