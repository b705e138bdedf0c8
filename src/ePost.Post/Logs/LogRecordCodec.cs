namespace ePost.Post.Logs;

/// <summary>The one binary form of a log record: the plaintext the POST layer encrypts into an entry block.</summary>
/// <remarks>
/// Layout, all integers big-endian: version byte (0x01) ‖ Seq u64 ‖ Previous (presence byte 0/1, then 20 bytes) ‖
/// MergedFrom (likewise) ‖ entry kind byte ‖ entry payload, and nothing after it. Kinds: 0x01 MessageInserted (UID u32,
/// flags, internal date i64, size i64, manifest id 20, key 32, optional delivery id), 0x02 MessagesDeleted (count u32,
/// UIDs u32), 0x03 FlagsChanged (count u32, then UID u32 and flags per change), 0x04 FolderSnapshot, 0x05 MessageInserted
/// with a save date (0x01's payload, then the save date i64: RFC 8514 SAVEDATE), 0x06 FolderSnapshot whose messages
/// carry save dates, 0x11 FolderCreated
/// (folder id u64, name, UIDVALIDITY u32), 0x12 FolderRenamed (id, name), 0x13 FolderDeleted (id), 0x14
/// SubscriptionChanged (name, subscribed 0/1), 0x15 RootSnapshot; snapshot payloads are in <see cref="LogStateCodec"/>.
/// A name (flag, folder, subscription, delivery id) is u16 length ‖ UTF-8 (1..256 bytes, strictly valid); a list is u32
/// count ‖ items. A compact binary form rather than JSON because it has exactly one encoding per record with no
/// canonicalisation rules to get wrong (deterministic bytes matter: the entry's block id is the hash of its ciphertext),
/// and because every length is bounded up front the decoder never allocates more than the record's own size.
/// Kinds 0x05 and 0x06 were added after logs existed; a record or snapshot without save dates is still written as
/// 0x01 or 0x04, so old logs decode unchanged and every record keeps exactly one encoding.
/// Decoding is strict: unknown version or kind, truncation, trailing bytes, a presence byte other than 0/1, a bound
/// exceeded, a non-canonical snapshot (unsorted lists, unnormalized flags) all raise <see cref="LogFormatException"/>.
/// </remarks>
public static class LogRecordCodec
{
    /// <summary>The format version written as the first byte.</summary>
    public const byte Version = 1;

    internal const byte MessageInsertedKind = 0x01, MessagesDeletedKind = 0x02, FlagsChangedKind = 0x03, FolderSnapshotKind = 0x04;
    internal const byte SavedMessageInsertedKind = 0x05, SavedFolderSnapshotKind = 0x06;
    internal const byte FolderCreatedKind = 0x11, FolderRenamedKind = 0x12, FolderDeletedKind = 0x13;
    internal const byte SubscriptionChangedKind = 0x14, RootSnapshotKind = 0x15;

    // Smallest encodings, used to refuse counts that the remaining bytes cannot hold.
    private const int MinFlagBytes = 3, MinFlagSetBytes = 8;

    /// <summary>The bytes of <paramref name="record"/>.</summary>
    /// <exception cref="LogFormatException">The record exceeds a bound, so no reader would accept it.</exception>
    public static byte[] Encode(LogRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var writer = new LogBinaryWriter();
        writer.Byte(Version);
        writer.UInt64(record.Seq);
        writer.OptionalId(record.Previous);
        writer.OptionalId(record.MergedFrom);
        switch (record.Entry)
        {
            case MessageInserted insert:
                writer.Byte(insert.SavedAtMs is null ? MessageInsertedKind : SavedMessageInsertedKind);
                writer.UInt32(insert.Uid);
                WriteFlags(writer, insert.Flags);
                writer.Int64(insert.InternalDateMs);
                if (insert.Size < 0)
                    throw new LogFormatException($"A message size may not be negative ({insert.Size}).");
                writer.Int64(insert.Size);
                writer.Bytes(insert.Ref.ManifestId);
                writer.Bytes(insert.Ref.Key);
                writer.Bool(insert.DeliveryId is not null);
                if (insert.DeliveryId is not null)
                    writer.Name(insert.DeliveryId, "delivery id");
                if (insert.SavedAtMs is { } savedAt)
                    writer.Int64(savedAt);
                break;
            case MessagesDeleted delete:
                writer.Byte(MessagesDeletedKind);
                writer.Count(delete.Uids.Count, LogLimits.MaxListItems, "deleted UIDs");
                foreach (var uid in delete.Uids)
                    writer.UInt32(uid);
                break;
            case FlagsChanged change:
                writer.Byte(FlagsChangedKind);
                writer.Count(change.Changes.Count, LogLimits.MaxListItems, "flag changes");
                foreach (var set in change.Changes)
                {
                    writer.UInt32(set.Uid);
                    WriteFlags(writer, set.Flags);
                }
                break;
            case FolderSnapshot snapshot:
                var saveDates = LogStateCodec.HasSaveDates(snapshot.State);
                writer.Byte(saveDates ? SavedFolderSnapshotKind : FolderSnapshotKind);
                LogStateCodec.WriteFolder(writer, snapshot.State, saveDates);
                break;
            case FolderCreated created:
                writer.Byte(FolderCreatedKind);
                writer.UInt64(created.FolderId);
                writer.Name(created.Name, "folder name");
                if (created.UidValidity == 0)
                    throw new LogFormatException("UIDVALIDITY 0 is not allowed.");
                writer.UInt32(created.UidValidity);
                break;
            case FolderRenamed renamed:
                writer.Byte(FolderRenamedKind);
                writer.UInt64(renamed.FolderId);
                writer.Name(renamed.NewName, "folder name");
                break;
            case FolderDeleted deleted:
                writer.Byte(FolderDeletedKind);
                writer.UInt64(deleted.FolderId);
                break;
            case SubscriptionChanged subscription:
                writer.Byte(SubscriptionChangedKind);
                writer.Name(subscription.Name, "subscription name");
                writer.Bool(subscription.Subscribed);
                break;
            case RootSnapshot snapshot:
                writer.Byte(RootSnapshotKind);
                LogStateCodec.WriteRoot(writer, snapshot.State);
                break;
            default:
                throw new LogFormatException($"{record.Entry.GetType().Name} is not a log entry this format knows.");
        }
        return writer.ToArray();
    }

    /// <summary>The record encoded in <paramref name="bytes"/>.</summary>
    /// <exception cref="LogFormatException">The bytes are malformed, of an unknown version or kind, or over a bound.</exception>
    public static LogRecord Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > LogLimits.MaxRecordBytes)
            throw new LogFormatException($"The record is {bytes.Length} bytes; at most {LogLimits.MaxRecordBytes} are allowed.");
        if (bytes.IsEmpty)
            throw new LogFormatException("The record is empty.");
        var reader = new LogBinaryReader(bytes);
        var version = reader.Byte();
        if (version != Version)
            throw new LogFormatException($"The record has format version {version}; this node reads version {Version}.");
        var seq = reader.UInt64("the sequence number");
        var previous = reader.OptionalId("previous block id");
        var mergedFrom = reader.OptionalId("merged-from block id");
        var kind = reader.Byte();
        LogEntry entry = kind switch
        {
            MessageInsertedKind => ReadInsert(ref reader, saved: false),
            SavedMessageInsertedKind => ReadInsert(ref reader, saved: true),
            MessagesDeletedKind => ReadDelete(ref reader),
            FlagsChangedKind => ReadFlagsChanged(ref reader),
            FolderSnapshotKind => new FolderSnapshot(LogStateCodec.ReadFolder(ref reader, saveDates: false)),
            SavedFolderSnapshotKind => new FolderSnapshot(LogStateCodec.ReadFolder(ref reader, saveDates: true) is var saved && LogStateCodec.HasSaveDates(saved)
                ? saved : throw new LogFormatException("A save-dated snapshot without any save date has the plain form (kind 0x04).")),
            FolderCreatedKind => new FolderCreated(reader.UInt64("folder id"), reader.Name("folder name"), ReadUidValidity(ref reader)),
            FolderRenamedKind => new FolderRenamed(reader.UInt64("folder id"), reader.Name("folder name")),
            FolderDeletedKind => new FolderDeleted(reader.UInt64("folder id")),
            SubscriptionChangedKind => new SubscriptionChanged(reader.Name("subscription name"), reader.Bool("subscribed")),
            RootSnapshotKind => new RootSnapshot(LogStateCodec.ReadRoot(ref reader)),
            _ => throw new LogFormatException($"The record has unknown entry kind 0x{kind:x2}."),
        };
        reader.ExpectEnd();
        return new LogRecord(seq, previous, mergedFrom, entry);
    }

    internal static void WriteFlags(LogBinaryWriter writer, IReadOnlyList<string> flags)
    {
        writer.Count(flags.Count, LogLimits.MaxFlagsPerMessage, "flags per message");
        foreach (var flag in flags)
            writer.Name(flag, "flag");
    }

    internal static string[] ReadFlags(ref LogBinaryReader reader)
    {
        var flags = new string[reader.Count(LogLimits.MaxFlagsPerMessage, MinFlagBytes, "flags per message")];
        for (var i = 0; i < flags.Length; i++)
            flags[i] = reader.Name("flag");
        return flags;
    }

    internal static uint ReadUidValidity(ref LogBinaryReader reader)
    {
        var uidValidity = reader.UInt32("UIDVALIDITY");
        return uidValidity != 0 ? uidValidity : throw new LogFormatException("UIDVALIDITY 0 is not allowed.");
    }

    internal static long ReadSize(ref LogBinaryReader reader)
    {
        var size = reader.Int64("message size");
        return size >= 0 ? size : throw new LogFormatException($"A message size may not be negative ({size}).");
    }

    internal static MessageRef ReadRef(ref LogBinaryReader reader) =>
        new(reader.Bytes(MessageRef.ManifestIdLength, "manifest id"), reader.Bytes(MessageRef.KeyLength, "message key"));

    private static MessageInserted ReadInsert(ref LogBinaryReader reader, bool saved)
    {
        var uid = reader.UInt32("UID");
        var flags = ReadFlags(ref reader);
        var internalDate = reader.Int64("internal date");
        var size = ReadSize(ref reader);
        var reference = ReadRef(ref reader);
        var deliveryId = reader.Bool("delivery id") ? reader.Name("delivery id") : null;
        long? savedAt = saved ? reader.Int64("save date") : null;
        return new MessageInserted(uid, flags, internalDate, size, reference, deliveryId, savedAt);
    }

    private static MessagesDeleted ReadDelete(ref LogBinaryReader reader)
    {
        var uids = new uint[reader.Count(LogLimits.MaxListItems, 4, "deleted UIDs")];
        for (var i = 0; i < uids.Length; i++)
            uids[i] = reader.UInt32("UID");
        return new MessagesDeleted(uids);
    }

    private static FlagsChanged ReadFlagsChanged(ref LogBinaryReader reader)
    {
        var changes = new FlagSet[reader.Count(LogLimits.MaxListItems, MinFlagSetBytes, "flag changes")];
        for (var i = 0; i < changes.Length; i++)
            changes[i] = new FlagSet(reader.UInt32("UID"), ReadFlags(ref reader));
        return new FlagsChanged(changes);
    }
}
