namespace ePost.Post.Logs;

/// <summary>One link of a log chain: an entry, its sequence number, and the ids of the entry blocks it follows.</summary>
/// <param name="Seq">Position in the log; a message touched by this record gets it as its ModSeq.</param>
/// <param name="Previous">Id (20 bytes) of the previous entry block, null for the first record.</param>
/// <param name="MergedFrom">Id (20 bytes) of the other branch's head when this record closes a fork, otherwise null.</param>
/// <param name="Entry">The operation.</param>
public sealed record LogRecord(ulong Seq, byte[]? Previous, byte[]? MergedFrom, LogEntry Entry)
{
    /// <summary>Id of the previous entry block.</summary>
    public byte[]? Previous { get; } = CheckedId(Previous, nameof(Previous));

    /// <summary>Id of the merged branch's head.</summary>
    public byte[]? MergedFrom { get; } = CheckedId(MergedFrom, nameof(MergedFrom));

    /// <summary>The operation.</summary>
    public LogEntry Entry { get; } = Entry ?? throw new ArgumentNullException(nameof(Entry));

    private static byte[]? CheckedId(byte[]? id, string name) =>
        id is null || id.Length == LogLimits.BlockIdLength
            ? id
            : throw new ArgumentException($"A block id is {LogLimits.BlockIdLength} bytes, not {id.Length}.", name);
}
