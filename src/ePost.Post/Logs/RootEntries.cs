namespace ePost.Post.Logs;

// The root log's entries, grouped in one file like the messages of one protocol.

/// <summary>A new folder <paramref name="FolderId"/> (drawn at random by the writer) named <paramref name="Name"/>.</summary>
public sealed record FolderCreated(ulong FolderId, string Name, uint UidValidity) : RootEntry;

/// <summary>Folder <paramref name="FolderId"/> now has the name <paramref name="NewName"/>.</summary>
public sealed record FolderRenamed(ulong FolderId, string NewName) : RootEntry;

/// <summary>Folder <paramref name="FolderId"/> was deleted.</summary>
public sealed record FolderDeleted(ulong FolderId) : RootEntry;

/// <summary>The user subscribed to (or unsubscribed from) the mailbox name <paramref name="Name"/>.</summary>
public sealed record SubscriptionChanged(string Name, bool Subscribed) : RootEntry;

/// <summary>The whole root state, written every K entries so that loading stops here.</summary>
public sealed record RootSnapshot(RootLogState State) : RootEntry;
