using ePost.Post.Logs;
using static ePost.Post.Tests.Logs.LogSamples;

namespace ePost.Post.Tests.Logs;

/// <summary>Random but valid folder histories, as a single writer would produce them.</summary>
internal static class FolderHistory
{
    private static readonly string[] FlagPool = ["\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft", "$Work"];

    /// <summary><paramref name="count"/> records continuing <paramref name="start"/>; message contents numbered from <paramref name="contentBase"/>.</summary>
    public static List<LogRecord> Random(Random random, FolderLogState start, ulong firstSeq, int count, int contentBase = 0,
        string deliveryPrefix = "n")
    {
        var records = new List<LogRecord>();
        var state = start;
        var content = contentBase;
        for (var i = 0; i < count; i++)
        {
            var seq = firstSeq + (ulong)i;
            var roll = random.Next(10);
            LogRecord record;
            if (roll < 5 || state.Messages.Count == 0)
            {
                // Sometimes a UID gap (a message filed then moved out before the next), sometimes a shared delivery id.
                var uid = state.UidNext + (uint)(random.Next(4) == 0 ? random.Next(1, 3) : 0);
                var deliveryId = random.Next(3) switch { 0 => null, 1 => $"{deliveryPrefix}{content}", _ => $"shared{random.Next(40)}" };
                record = Insert(seq, uid, ++content, deliveryId, RandomFlags(random));
            }
            else if (roll < 7)
            {
                record = Delete(seq, Pick(random, state), Pick(random, state));
            }
            else
            {
                record = Flags(seq, Pick(random, state), RandomFlags(random));
            }
            records.Add(record);
            state = FolderReplay.Apply(state, record);
        }
        return records;
    }

    private static uint Pick(Random random, FolderLogState state) =>
        random.Next(8) == 0 ? state.UidNext + 5 : state.Messages[random.Next(state.Messages.Count)].Uid;

    private static string[] RandomFlags(Random random) =>
        FlagPool.Where(_ => random.Next(3) == 0).ToArray();
}
