namespace ePost.Post.Logs;

// The folder log's entries, grouped in one file like the messages of one protocol.

/// <summary>A message filed into the folder under <paramref name="Uid"/>; <paramref name="DeliveryId"/> names the notification it came from, if any.</summary>
/// <param name="SavedAtMs">When it was filed here (RFC 8514 SAVEDATE), Unix milliseconds; null in records written before save dates were kept.</param>
public sealed record MessageInserted(
    uint Uid, IReadOnlyList<string> Flags, long InternalDateMs, long Size, MessageRef Ref, string? DeliveryId, long? SavedAtMs = null) : FolderEntry;

/// <summary>Messages expunged from the folder.</summary>
public sealed record MessagesDeleted(IReadOnlyList<uint> Uids) : FolderEntry;

/// <summary>New flags for some messages; each change carries the absolute new flag list, not a delta.</summary>
public sealed record FlagsChanged(IReadOnlyList<FlagSet> Changes) : FolderEntry;

/// <summary>The absolute flags of message <paramref name="Uid"/> after a change.</summary>
public sealed record FlagSet(uint Uid, IReadOnlyList<string> Flags);

/// <summary>The whole folder state, written every K entries so that loading stops here instead of replaying all history.</summary>
public sealed record FolderSnapshot(FolderLogState State) : FolderEntry;
