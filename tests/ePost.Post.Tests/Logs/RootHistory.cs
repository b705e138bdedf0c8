using ePost.Post.Logs;
using static ePost.Post.Tests.Logs.LogSamples;

namespace ePost.Post.Tests.Logs;

/// <summary>Random but valid root histories, as a single writer would produce them.</summary>
internal static class RootHistory
{
    private static readonly string[] NamePool = ["INBOX", "Work", "Lists", "Trips", "Old", "Bills", "Kids", "Tax"];

    /// <summary><paramref name="count"/> records continuing <paramref name="start"/>; new folder ids come from <paramref name="random"/>.</summary>
    public static List<LogRecord> Random(Random random, RootLogState start, ulong firstSeq, int count)
    {
        var records = new List<LogRecord>();
        var state = start;
        for (var i = 0; i < count; i++)
        {
            var seq = firstSeq + (ulong)i;
            var free = NamePool.Where(name => state.FolderIdOf(name) is null).ToArray();
            var ids = state.Folders.Keys.ToArray();
            var roll = random.Next(10);
            var record = roll switch
            {
                < 4 when free.Length > 0 => Create(seq, (ulong)random.NextInt64(), free[random.Next(free.Length)], state.NextUidValidity),
                < 6 when free.Length > 0 && ids.Length > 0 => Rename(seq, ids[random.Next(ids.Length)], free[random.Next(free.Length)]),
                < 8 when ids.Length > 0 => DeleteFolder(seq, ids[random.Next(ids.Length)]),
                _ => Subscribe(seq, NamePool[random.Next(NamePool.Length)], random.Next(2) == 0),
            };
            records.Add(record);
            state = RootReplay.Apply(state, record);
        }
        return records;
    }
}
