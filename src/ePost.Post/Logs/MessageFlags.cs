using System.Collections.Immutable;

namespace ePost.Post.Logs;

/// <summary>The canonical form of a message's flag list, as the folder state keeps it.</summary>
/// <remarks>
/// IMAP flags are case-insensitive, so "\Seen" and "\SEEN" are one flag: the first spelling is kept. Sorting makes two
/// states with the same flags equal and their snapshots byte-identical, whatever order the writer listed them in.
/// </remarks>
public static class MessageFlags
{
    /// <summary>The flags, duplicates (ignoring case) removed, sorted case-insensitively.</summary>
    public static ImmutableArray<string> Normalize(IEnumerable<string> flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var kept = new List<string>();
        foreach (var flag in flags)
        {
            if (seen.Add(flag))
                kept.Add(flag);
        }
        kept.Sort(StringComparer.OrdinalIgnoreCase);
        return [.. kept];
    }

    /// <summary>Whether two normalized flag lists hold the same flags.</summary>
    public static bool SameFlags(ImmutableArray<string> a, ImmutableArray<string> b) =>
        a.Length == b.Length && a.SequenceEqual(b, StringComparer.OrdinalIgnoreCase);
}
