using Akka.Actor;
using ePost.Core.Ids;
using ePost.Mail.Backend;
using ePost.Post.Logs;

namespace ePost.Post.Mailbox;

/// <summary>A request to a user's <see cref="UserAgent"/>; local only. Each is answered to its sender, errors as <see cref="AgentError"/>.</summary>
public interface IAgentCommand : INoSerializationVerificationNeeded;

/// <summary>The root log's state (answered with <see cref="RootView"/>).</summary>
public sealed record GetRoot : IAgentCommand
{
    /// <summary>The one instance.</summary>
    public static readonly GetRoot Instance = new();
}

/// <summary>The folder list and subscriptions.</summary>
public sealed record RootView(RootLogState Root) : INoSerializationVerificationNeeded;

/// <summary>A folder's state (answered with <see cref="FolderView"/>).</summary>
public sealed record GetFolder(string Name) : IAgentCommand;

/// <summary>A folder at one moment.</summary>
public sealed record FolderView(string Name, ulong FolderId, FolderLogState State) : INoSerializationVerificationNeeded;

/// <summary>Creates a folder and any missing parents (answered with <see cref="AgentDone"/>).</summary>
public sealed record CreateFolder(string Name) : IAgentCommand;

/// <summary>Renames a folder and its children; INBOX's messages move to the new name (answered with <see cref="AgentDone"/>).</summary>
public sealed record RenameFolder(string From, string To) : IAgentCommand;

/// <summary>Deletes a folder, not its children (answered with <see cref="AgentDone"/>).</summary>
public sealed record DeleteFolder(string Name) : IAgentCommand;

/// <summary>Subscribes to or unsubscribes from a name (answered with <see cref="AgentDone"/>).</summary>
public sealed record SetSubscribed(string Name, bool Subscribed) : IAgentCommand;

/// <summary>Files a message whose blocks are already in the ring (answered with <see cref="Appended"/>).</summary>
public sealed record AppendMessage(string Folder, MessageRef Ref, long Size, IReadOnlyCollection<string> Flags, long InternalDateMs) : IAgentCommand;

/// <summary>Where an appended message landed.</summary>
public sealed record Appended(uint UidValidity, uint Uid) : INoSerializationVerificationNeeded;

/// <summary>Changes flags (answered with <see cref="FlagsStored"/>).</summary>
public sealed record ChangeFlags(string Folder, IReadOnlyCollection<uint> Uids, FlagChange Change, IReadOnlyCollection<string> Flags) : IAgentCommand;

/// <summary>The messages whose flags were addressed, as they are now.</summary>
public sealed record FlagsStored(IReadOnlyList<LoggedMessage> Messages) : INoSerializationVerificationNeeded;

/// <summary>Removes messages (answered with <see cref="Expunged"/>).</summary>
public sealed record ExpungeMessages(string Folder, IReadOnlyCollection<uint> Uids) : IAgentCommand;

/// <summary>The UIDs removed.</summary>
public sealed record Expunged(IReadOnlyList<uint> Uids) : INoSerializationVerificationNeeded;

/// <summary>Copies (or moves) messages to another folder (answered with <see cref="Copied"/>).</summary>
public sealed record CopyMessages(string Folder, IReadOnlyCollection<uint> Uids, string Destination, bool Move) : IAgentCommand;

/// <summary>Where copied messages landed, pairing source and destination UIDs by position.</summary>
public sealed record Copied(uint UidValidity, IReadOnlyList<uint> SourceUids, IReadOnlyList<uint> DestinationUids) : INoSerializationVerificationNeeded;

/// <summary>Calls <paramref name="OnChange"/> with a folder name ("" for the folder list) after every change (answered with <see cref="AgentDone"/>).</summary>
public sealed record AddWatcher(object Key, Action<string> OnChange) : IAgentCommand;

/// <summary>Stops a watcher.</summary>
public sealed record RemoveWatcher(object Key) : IAgentCommand;

/// <summary>A notification may wait in the ring for this user (a sender's hint, or a timer): collect now.</summary>
public sealed record CollectNotifications(RingId? Hint) : IAgentCommand;

/// <summary>Another device of this user says it pushed new log records (a signed <see cref="LogHint"/>, from the authenticated peer <paramref name="From"/>): check those heads now.</summary>
public sealed record DeviceHintReceived(byte[] Hint, RingId From) : IAgentCommand;

/// <summary>Asks for the agent's counters (answered with <see cref="AgentStatus"/>).</summary>
public sealed record GetAgentStatus : IAgentCommand
{
    /// <summary>The one instance.</summary>
    public static readonly GetAgentStatus Instance = new();
}

/// <summary>The agent's counters.</summary>
/// <param name="Ready">True once the mailbox is loaded (from the journal, the ring, or created).</param>
/// <param name="UnsyncedLogs">Logs with entries the ring may not hold yet.</param>
/// <param name="Filed">Notifications filed into INBOX since start.</param>
/// <param name="Duplicates">Notifications whose delivery id was already filed (withdrawn without filing again).</param>
/// <param name="Rejected">Notifications that did not open or verify (withdrawn, never filed).</param>
/// <param name="Merges">Forks merged since start.</param>
/// <param name="Renewed">Objects whose leases the last renewal pass extended.</param>
/// <param name="Postponed">Times a notification was left in the ring because its sender's certificate was not found yet.</param>
/// <param name="ArchivedObjects">Objects archive runs packed into Glacier since start (each counted once per run that packed it).</param>
/// <param name="ArchiveRuns">Archive runs started since start (incremental and full).</param>
/// <param name="Missing">Ids the mailbox references that the ring could not give (log entries, message manifests and blocks); looked for again until found.</param>
/// <param name="DegradedFolders">Folders served read-only from the part of their log that verifies, because an entry of it is missing.</param>
/// <param name="HintsSent">Log hints this agent sent to the user's other devices since start (one per device and batch).</param>
/// <param name="HintsHeeded">Log hints from the user's other devices that verified and named a head not held here, so that it checked the ring at once.</param>
/// <param name="ArchiveContainers">The Glacier containers the mailbox's archive is in now, as the journal records them.</param>
/// <param name="Loading">While not ready: how far loading the mailbox from the ring is; null once ready.</param>
public sealed record AgentStatus(bool Ready, int UnsyncedLogs, long Filed, long Duplicates, long Rejected, long Merges, long Renewed, long Postponed = 0,
    long ArchivedObjects = 0, long ArchiveRuns = 0, IReadOnlyList<RingId>? Missing = null, IReadOnlyList<string>? DegradedFolders = null,
    long HintsSent = 0, long HintsHeeded = 0, IReadOnlyList<Storage.Glacier.ContainerRef>? ArchiveContainers = null, MailboxLoad? Loading = null)
    : INoSerializationVerificationNeeded;

/// <summary>Runs the lease renewal pass now (answered with <see cref="AgentDone"/> when it finished).</summary>
public sealed record RenewNow : IAgentCommand
{
    /// <summary>The one instance.</summary>
    public static readonly RenewNow Instance = new();
}

/// <summary>Pushes every log to the ring and checks the ring's heads for other writers now (answered with <see cref="AgentDone"/>).</summary>
public sealed record SyncNow : IAgentCommand
{
    /// <summary>The one instance.</summary>
    public static readonly SyncNow Instance = new();
}

/// <summary>Archives the mailbox in Glacier now (answered with <see cref="MailboxArchived"/>, <see cref="ArchiveIncomplete"/> or <see cref="AgentError"/>).</summary>
public sealed record ArchiveNow : IAgentCommand
{
    /// <summary>The one instance.</summary>
    public static readonly ArchiveNow Instance = new();
}

/// <summary>
/// Archives now what the mailbox references and no earlier run archived (answered with <see cref="MailboxArchived"/>,
/// with no containers when there was nothing new, <see cref="ArchiveIncomplete"/> or <see cref="AgentError"/>).
/// </summary>
public sealed record ArchiveChangesNow : IAgentCommand
{
    /// <summary>The one instance.</summary>
    public static readonly ArchiveChangesNow Instance = new();
}

/// <summary>The mailbox is archived in these containers (also recorded in the user's archive index).</summary>
/// <param name="Containers">The containers this run made (the index also names earlier ones after an incremental run).</param>
/// <param name="Objects">Objects this run packed.</param>
public sealed record MailboxArchived(IReadOnlyList<Storage.Glacier.ContainerRef> Containers, int Objects) : INoSerializationVerificationNeeded;

/// <summary>
/// The ring lacked objects the mailbox references (<paramref name="Missing"/>, of <paramref name="Referenced"/>). After
/// a full pass (<see cref="ArchiveNow"/>) nothing was archived: an archive without them could not rebuild the mailbox.
/// After an incremental run (<see cref="ArchiveChangesNow"/>, or after a change) the rest was archived and added to
/// the index. Either way the agent tries again.
/// </summary>
public sealed record ArchiveIncomplete(IReadOnlyList<RingId> Missing, int Referenced) : INoSerializationVerificationNeeded;

/// <summary>The request succeeded.</summary>
public sealed record AgentDone : INoSerializationVerificationNeeded
{
    /// <summary>The one instance.</summary>
    public static readonly AgentDone Instance = new();
}

/// <summary>The request failed for a reason the client can be told.</summary>
public sealed record AgentError(MailStoreError Error, string Message) : INoSerializationVerificationNeeded;
