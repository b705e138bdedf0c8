namespace ePost.Post.Logs;

/// <summary>The bounds every log record obeys, checked when a record is encoded and again when one is decoded.</summary>
/// <remarks>
/// Records come back from the ring, where anyone may have stored anything under a guessed id before the signature and
/// hash checks of the layer above caught up; the bounds keep the cost of refusing a hostile record small.
/// </remarks>
public static class LogLimits
{
    /// <summary>Largest encoded record, in bytes (1 MiB).</summary>
    public const int MaxRecordBytes = 1 << 20;

    /// <summary>Most flags one message may carry.</summary>
    public const int MaxFlagsPerMessage = 64;

    /// <summary>Longest flag, folder name, subscription name or delivery id, in UTF-8 bytes.</summary>
    public const int MaxNameBytes = 256;

    /// <summary>Most items in any list of a record (UIDs, flag changes, snapshot messages, folders, ids).</summary>
    public const int MaxListItems = 100_000;

    /// <summary>Length of an entry block id (the previous and merged-from links).</summary>
    public const int BlockIdLength = 20;
}
