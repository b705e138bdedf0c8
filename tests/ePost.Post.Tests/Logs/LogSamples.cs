using ePost.Post.Logs;

namespace ePost.Post.Tests.Logs;

/// <summary>Small builders for log records, so that tests read as the scenario they describe.</summary>
internal static class LogSamples
{
    public static MessageRef Ref(int n)
    {
        var manifest = new byte[MessageRef.ManifestIdLength];
        var key = new byte[MessageRef.KeyLength];
        BitConverter.TryWriteBytes(manifest, n);
        BitConverter.TryWriteBytes(key, ~n);
        return new MessageRef(manifest, key);
    }

    public static byte[] BlockId(byte fill) => Enumerable.Repeat(fill, 20).ToArray();

    public static LogRecord Record(ulong seq, LogEntry entry) => new(seq, seq == 1 ? null : BlockId((byte)seq), null, entry);

    /// <summary>An insert of message number <paramref name="n"/> (content and date derived from it).</summary>
    public static LogRecord Insert(ulong seq, uint uid, int n, string? deliveryId = null, params string[] flags) =>
        Record(seq, new MessageInserted(uid, flags, 1_700_000_000_000 + n, 1000 + n, Ref(n), deliveryId));

    public static LogRecord Delete(ulong seq, params uint[] uids) => Record(seq, new MessagesDeleted(uids));

    public static LogRecord Flags(ulong seq, uint uid, params string[] flags) =>
        Record(seq, new FlagsChanged([new FlagSet(uid, flags)]));

    public static LogRecord Create(ulong seq, ulong id, string name, uint uidValidity) =>
        Record(seq, new FolderCreated(id, name, uidValidity));

    public static LogRecord Rename(ulong seq, ulong id, string name) => Record(seq, new FolderRenamed(id, name));

    public static LogRecord DeleteFolder(ulong seq, ulong id) => Record(seq, new FolderDeleted(id));

    public static LogRecord Subscribe(ulong seq, string name, bool subscribed = true) =>
        Record(seq, new SubscriptionChanged(name, subscribed));

    public static FolderLogState Folder(params LogRecord[] records) => FolderReplay.Replay(FolderLogState.Empty(7), records);

    public static RootLogState Root(params LogRecord[] records) => RootReplay.Replay(RootLogState.Empty, records);

    public static byte[] RoundTrip(LogRecord record) => LogRecordCodec.Encode(LogRecordCodec.Decode(LogRecordCodec.Encode(record)));
}
