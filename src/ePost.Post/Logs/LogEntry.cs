namespace ePost.Post.Logs;

/// <summary>One operation in a user's log: a <see cref="FolderEntry"/> in a folder log, a <see cref="RootEntry"/> in the root log.</summary>
public abstract record LogEntry;

/// <summary>An entry of a folder log (messages of one folder).</summary>
public abstract record FolderEntry : LogEntry;

/// <summary>An entry of the root log (the folder list and the subscriptions).</summary>
public abstract record RootEntry : LogEntry;
