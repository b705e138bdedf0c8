namespace ePost.Post.Logs;

/// <summary>The snapshot payloads of the log record format (see <see cref="LogRecordCodec"/> for the framing).</summary>
/// <remarks>
/// Folder: UIDVALIDITY u32 ‖ UIDNEXT u32 ‖ HIGHESTMODSEQ u64 ‖ messages (count u32; each UID u32, flags, internal date
/// i64, size i64, manifest id 20, key 32, ModSeq u64, and in the save-dated form (kind 0x06) a presence byte then the
/// save date i64) ‖ delivery ids (count u32, names). Root: folders (count u32; each
/// id u64, name, UIDVALIDITY u32) ‖ subscriptions (count u32, names) ‖ next UIDVALIDITY u32. Lists are in the state's
/// canonical order (UIDs and folder ids ascending, names ordinal ascending, flags normalized) and the decoder insists on
/// it, so each state has exactly one encoding.
/// </remarks>
internal static class LogStateCodec
{
    private const int MinMessageBytes = 4 + 4 + 8 + 8 + MessageRef.ManifestIdLength + MessageRef.KeyLength + 8;
    private const int MinNameBytes = 3, MinFolderBytes = 8 + MinNameBytes + 4;

    /// <summary>True when some message has a save date, so the snapshot needs the save-dated form.</summary>
    public static bool HasSaveDates(FolderLogState state) => state.Messages.Any(m => m.SavedAtMs is not null);

    public static void WriteFolder(LogBinaryWriter writer, FolderLogState state, bool saveDates)
    {
        writer.UInt32(state.UidValidity);
        writer.UInt32(state.UidNext);
        writer.UInt64(state.HighestModSeq);
        writer.Count(state.Messages.Count, LogLimits.MaxListItems, "messages in a snapshot");
        foreach (var message in state.Messages)
        {
            writer.UInt32(message.Uid);
            LogRecordCodec.WriteFlags(writer, message.Flags);
            writer.Int64(message.InternalDateMs);
            writer.Int64(message.Size);
            writer.Bytes(message.Ref.ManifestId);
            writer.Bytes(message.Ref.Key);
            writer.UInt64(message.ModSeq);
            if (!saveDates) continue;
            writer.Bool(message.SavedAtMs is not null);
            if (message.SavedAtMs is { } savedAt) writer.Int64(savedAt);
        }
        WriteNames(writer, state.DeliveredIds, "delivery ids", "delivery id");
    }

    public static FolderLogState ReadFolder(ref LogBinaryReader reader, bool saveDates)
    {
        var uidValidity = LogRecordCodec.ReadUidValidity(ref reader);
        var uidNext = reader.UInt32("UIDNEXT");
        var highestModSeq = reader.UInt64("HIGHESTMODSEQ");
        var messages = new LoggedMessage[reader.Count(LogLimits.MaxListItems, MinMessageBytes, "messages in a snapshot")];
        for (var i = 0; i < messages.Length; i++)
        {
            var uid = reader.UInt32("UID");
            var flags = LogRecordCodec.ReadFlags(ref reader);
            var internalDate = reader.Int64("internal date");
            var size = LogRecordCodec.ReadSize(ref reader);
            var reference = LogRecordCodec.ReadRef(ref reader);
            var modSeq = reader.UInt64("ModSeq");
            long? savedAt = saveDates && reader.Bool("save date") ? reader.Int64("save date") : null;
            var message = new LoggedMessage(uid, flags, internalDate, size, reference, modSeq, savedAt);
            if (!message.Flags.AsSpan().SequenceEqual(flags))
                throw new LogFormatException($"Snapshot message {uid} lists its flags out of canonical order or twice.");
            messages[i] = message;
        }
        var deliveredIds = ReadNames(ref reader, "delivery ids", "delivery id");
        return FolderLogState.Create(uidValidity, uidNext, messages, highestModSeq, deliveredIds);
    }

    public static void WriteRoot(LogBinaryWriter writer, RootLogState state)
    {
        writer.Count(state.Folders.Count, LogLimits.MaxListItems, "folders in a snapshot");
        foreach (var (id, folder) in state.Folders)
        {
            writer.UInt64(id);
            writer.Name(folder.Name, "folder name");
            writer.UInt32(folder.UidValidity);
        }
        WriteNames(writer, state.Subscriptions, "subscriptions", "subscription name");
        writer.UInt32(state.NextUidValidity);
    }

    public static RootLogState ReadRoot(ref LogBinaryReader reader)
    {
        var folders = new KeyValuePair<ulong, RootFolder>[reader.Count(LogLimits.MaxListItems, MinFolderBytes, "folders in a snapshot")];
        for (var i = 0; i < folders.Length; i++)
        {
            var id = reader.UInt64("folder id");
            if (i > 0 && id <= folders[i - 1].Key)
                throw new LogFormatException($"Snapshot lists folder {id} after folder {folders[i - 1].Key}: ids must be strictly ascending.");
            folders[i] = new(id, new RootFolder(reader.Name("folder name"), LogRecordCodec.ReadUidValidity(ref reader)));
        }
        var subscriptions = ReadNames(ref reader, "subscriptions", "subscription name");
        return RootLogState.Create(folders, subscriptions, reader.UInt32("next UIDVALIDITY"));
    }

    private static void WriteNames(LogBinaryWriter writer, IReadOnlyCollection<string> names, string plural, string what)
    {
        writer.Count(names.Count, LogLimits.MaxListItems, plural);
        foreach (var name in names)
            writer.Name(name, what);
    }

    /// <summary>A list of names in strictly ascending ordinal order (the order of the state's sorted sets).</summary>
    private static string[] ReadNames(ref LogBinaryReader reader, string plural, string what)
    {
        var names = new string[reader.Count(LogLimits.MaxListItems, MinNameBytes, plural)];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = reader.Name(what);
            if (i > 0 && string.CompareOrdinal(names[i - 1], names[i]) >= 0)
                throw new LogFormatException($"Snapshot lists its {plural} out of order or twice (\"{names[i]}\").");
        }
        return names;
    }
}
