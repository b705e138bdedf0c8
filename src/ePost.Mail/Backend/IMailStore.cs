namespace ePost.Mail.Backend;

/// <summary>
/// A user's folders and messages as IMAP (and POP3, for INBOX) needs them; implemented by the POST layer over the
/// user's folder logs, where every change is one log entry written by the user's node.
/// </summary>
/// <remarks>
/// Folder names are the IMAP names after modified-UTF-7 decoding, hierarchy delimiter '/', "INBOX" in that exact
/// spelling (the store treats any case of "inbox" as INBOX). Flags are IMAP flag atoms (\Seen, \Answered, \Flagged,
/// \Deleted, \Draft, keywords), compared case-insensitively; \Recent is a session notion and never stored.
/// Implementations must be thread-safe: every session of every protocol of the node calls one instance.
/// Failures the client caused (no such folder, name taken, INBOX cannot be deleted) throw
/// <see cref="MailStoreException"/> with a <see cref="MailStoreError"/> and a message fit to show the user.
/// </remarks>
public interface IMailStore
{
    /// <summary>Every folder of the user (INBOX always exists), in no particular order.</summary>
    Task<IReadOnlyList<FolderInfo>> ListFoldersAsync(MailUser user, CancellationToken cancellation);

    /// <summary>Creates a folder (and any missing parent folders, RFC 3501 CREATE "a/b/c").</summary>
    Task CreateFolderAsync(MailUser user, string name, CancellationToken cancellation);

    /// <summary>Renames a folder and its children; renaming INBOX moves its messages to the new folder and leaves INBOX empty.</summary>
    Task RenameFolderAsync(MailUser user, string from, string to, CancellationToken cancellation);

    /// <summary>Deletes a folder (not INBOX) and its messages; its children stay.</summary>
    Task DeleteFolderAsync(MailUser user, string name, CancellationToken cancellation);

    /// <summary>
    /// Every subscribed name, whether or not a folder of that name exists (RFC 5258 lists the others as
    /// \NonExistent). Stores that keep subscriptions only on folders inherit this default.
    /// </summary>
    async Task<IReadOnlyList<string>> ListSubscriptionsAsync(MailUser user, CancellationToken cancellation) =>
        (await ListFoldersAsync(user, cancellation).ConfigureAwait(false)).Where(f => f.Subscribed).Select(f => f.Name).ToList();

    /// <summary>Records a subscription change (names need not exist, RFC 3501 SUBSCRIBE).</summary>
    Task SetSubscribedAsync(MailUser user, string name, bool subscribed, CancellationToken cancellation);

    /// <summary>The folder's current state: UIDVALIDITY, UIDNEXT and every message with its UID, flags, date and size.</summary>
    Task<FolderState> ReadFolderAsync(MailUser user, string folder, CancellationToken cancellation);

    /// <summary>Appends a message (bytes exactly as given, CR LF line ends); returns where it landed.</summary>
    Task<AppendResult> AppendAsync(MailUser user, string folder, ReadOnlyMemory<byte> message, IReadOnlyCollection<string> flags,
        DateTimeOffset? internalDate, CancellationToken cancellation);

    /// <summary>The message bytes, byte-identical to what was appended or delivered, or null when the UID is gone.</summary>
    Task<byte[]?> ReadMessageAsync(MailUser user, string folder, uint uid, CancellationToken cancellation);

    /// <summary>Changes the flags of the given messages (one log entry); UIDs already gone are ignored. Returns the messages' new state.</summary>
    Task<IReadOnlyList<FolderMessage>> StoreFlagsAsync(MailUser user, string folder, IReadOnlyCollection<uint> uids, FlagChange change,
        IReadOnlyCollection<string> flags, CancellationToken cancellation);

    /// <summary>Copies messages to another folder (flags and internal date kept); the mapping is in source UID order.</summary>
    Task<CopyResult> CopyAsync(MailUser user, string folder, IReadOnlyCollection<uint> uids, string destination, CancellationToken cancellation);

    /// <summary>Copies then removes the originals, as one step for the client (RFC 6851 MOVE).</summary>
    Task<CopyResult> MoveAsync(MailUser user, string folder, IReadOnlyCollection<uint> uids, string destination, CancellationToken cancellation);

    /// <summary>Removes the given messages (one log entry); UIDs already gone are ignored. Returns the UIDs removed.</summary>
    Task<IReadOnlyList<uint>> ExpungeAsync(MailUser user, string folder, IReadOnlyCollection<uint> uids, CancellationToken cancellation);

    /// <summary>
    /// Calls <paramref name="onChange"/> with a folder name whenever anything changes that folder (new mail filed,
    /// another session's change, a folder created or renamed: then the name is the empty string). Called on
    /// any thread; the callback must be quick and must not throw. Dispose the result to stop.
    /// </summary>
    IDisposable Watch(MailUser user, Action<string> onChange);
}

/// <summary>A folder as LIST needs it.</summary>
/// <param name="Name">Full name, '/' between levels.</param>
/// <param name="SpecialUse">RFC 6154 attributes such as \Sent or \Trash; empty for most folders.</param>
/// <param name="Subscribed">True when the user subscribed to it.</param>
/// <param name="MailboxId">
/// RFC 8474 MAILBOXID: the same across renames, never given to another folder of the user (not even one created again
/// under a deleted folder's name); 1 to 255 of A-Z a-z 0-9 '-' '_'. Null when the store has no ids.
/// </param>
public sealed record FolderInfo(string Name, IReadOnlyList<string> SpecialUse, bool Subscribed, string? MailboxId = null);

/// <summary>One message of a folder.</summary>
/// <param name="Uid">The UID, unique in the folder for this UIDVALIDITY and never reused.</param>
/// <param name="Flags">Stored flags (never \Recent).</param>
/// <param name="InternalDate">The IMAP internal date (arrival, or the APPEND date).</param>
/// <param name="Size">The exact size in octets of <see cref="IMailStore.ReadMessageAsync"/>'s bytes.</param>
/// <param name="ModSeq">The log position of the message's last change (CONDSTORE MODSEQ), ascending per folder.</param>
/// <param name="SaveDate">When the message was filed into this folder (RFC 8514 SAVEDATE); null when the store does not know.</param>
/// <param name="EmailId">
/// RFC 8474 EMAILID: the same for the message in every folder it was copied or moved to, and never for other content;
/// an objectid (1 to 255 of A-Z a-z 0-9 '-' '_'). Null when the store has no ids.
/// </param>
public sealed record FolderMessage(uint Uid, IReadOnlyCollection<string> Flags, DateTimeOffset InternalDate, long Size, ulong ModSeq,
    DateTimeOffset? SaveDate = null, string? EmailId = null);

/// <summary>A folder at one moment.</summary>
/// <param name="Messages">Ascending by UID.</param>
/// <param name="HighestModSeq">The largest ModSeq the folder has ever had (CONDSTORE HIGHESTMODSEQ).</param>
/// <param name="MailboxId">RFC 8474 MAILBOXID, as in <see cref="FolderInfo.MailboxId"/>.</param>
public sealed record FolderState(string Name, uint UidValidity, uint UidNext, IReadOnlyList<FolderMessage> Messages, ulong HighestModSeq,
    string? MailboxId = null);

/// <summary>Where an appended message landed (RFC 4315 APPENDUID).</summary>
public sealed record AppendResult(uint UidValidity, uint Uid);

/// <summary>Where copied messages landed (RFC 4315 COPYUID): source and destination UIDs pair up by position.</summary>
public sealed record CopyResult(uint DestinationUidValidity, IReadOnlyList<uint> SourceUids, IReadOnlyList<uint> DestinationUids);

/// <summary>How STORE changes flags.</summary>
public enum FlagChange
{
    /// <summary>FLAGS: the given flags become the message's flags.</summary>
    Replace,

    /// <summary>+FLAGS: the given flags are added.</summary>
    Add,

    /// <summary>-FLAGS: the given flags are removed.</summary>
    Remove,
}

/// <summary>What went wrong in a mail-store request that the client caused.</summary>
public enum MailStoreError
{
    /// <summary>The folder does not exist (IMAP [TRYCREATE] for COPY/APPEND/MOVE targets).</summary>
    NoSuchFolder,

    /// <summary>A folder of that name exists already.</summary>
    AlreadyExists,

    /// <summary>The name is not allowed (empty, bad characters, an empty level, too long).</summary>
    InvalidName,

    /// <summary>The operation is not allowed on this folder (deleting INBOX).</summary>
    NotAllowed,

    /// <summary>The message or folder is over a size or count limit.</summary>
    OverQuota,

    /// <summary>The ring could not be reached in time; the client may retry.</summary>
    Unavailable,
}

/// <summary>A mail-store request failed for a reason the client can be told.</summary>
public sealed class MailStoreException(MailStoreError error, string message) : Exception(message)
{
    /// <summary>The kind of failure.</summary>
    public MailStoreError Error { get; } = error;
}
