namespace ePost.Core.Erasure;

/// <summary>The m fragments a decode uses, chosen from those given after checking every index and length.</summary>
internal sealed record FragmentSet(IReadOnlyList<int> Indexes, IReadOnlyList<byte[]> Fragments, int Length)
{
    /// <summary>Validates all given fragments, then picks m: data fragments first (they need no arithmetic), then the lowest parity indexes.</summary>
    public static FragmentSet Choose(IReadOnlyDictionary<int, byte[]> fragments, int n, int m)
    {
        ArgumentNullException.ThrowIfNull(fragments);
        var length = -1;
        foreach (var (index, bytes) in fragments)
        {
            if (index < 0 || index >= n) throw new ArgumentException($"fragment index {index} is outside 0..{n - 1}.", nameof(fragments));
            if (bytes is null) throw new ArgumentException($"fragment {index} is null.", nameof(fragments));
            if (length >= 0 && bytes.Length != length)
                throw new ArgumentException($"fragments differ in length ({bytes.Length} bytes at index {index}, {length} elsewhere).", nameof(fragments));
            length = bytes.Length;
        }
        if (fragments.Count < m) throw new NotEnoughFragmentsException(fragments.Count, m);
        var chosen = fragments.Keys.Order().Take(m).ToList();
        return new FragmentSet(chosen, chosen.Select(i => fragments[i]).ToList(), length);
    }

    /// <summary>The common length of a list of fragments; throws when any is null or they differ.</summary>
    public static int CheckedLength(IReadOnlyList<byte[]> fragments)
    {
        var length = -1;
        for (var i = 0; i < fragments.Count; i++)
        {
            if (fragments[i] is null) throw new ArgumentException($"fragment {i} is null.", nameof(fragments));
            if (length >= 0 && fragments[i].Length != length)
                throw new ArgumentException($"fragments differ in length ({fragments[i].Length} bytes at index {i}, {length} elsewhere).", nameof(fragments));
            length = fragments[i].Length;
        }
        return Math.Max(length, 0);
    }
}
