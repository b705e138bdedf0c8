using System.Security.Cryptography;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using ePost.Core.Crypto;
using ePost.Core.Ids;
using ePost.Post.Logs;
using ePost.Post.Ring;
using ePost.Post.Wire;
using ePost.Storage.Objects;

namespace ePost.Post.Mailbox;

/// <summary>
/// One user's mailbox on the user's node: the only writer of the user's logs. It keeps them in the node's journal
/// (Akka.Persistence, events are the ring's own encrypted blocks and signed heads), writes them through to the ring,
/// merges forks it finds there, collects notifications into INBOX exactly once, and renews the leases of everything
/// the logs reference.
/// </summary>
/// <remarks>
/// Every change is one or more log records: computed and applied here, persisted as <see cref="LogAppended"/> events,
/// answered once persisted (Akka stashes later commands meanwhile, so each command sees the previous one's result),
/// then pushed to the ring in the background. A client's change therefore never waits for the ring, and a ring that
/// is down only delays the push. Startup: replay the journal; with an empty journal, adopt the user's logs from the
/// ring (recovery on a new node) or, when the ring has none, create a new mailbox.
/// </remarks>
public sealed partial class UserAgent : ReceivePersistentActor, IWithTimers
{
    /// <summary>Folders every new mailbox starts with besides INBOX (the IMAP special-use names).</summary>
    public static readonly IReadOnlyList<string> StandardFolders = ["Drafts", "Sent", "Trash", "Junk"];

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly UserKeys _keys;
    private readonly PostServices _services;
    private readonly bool _requireExisting;
    private readonly RandomNumberGenerator _random = RandomNumberGenerator.Create();
    private readonly Dictionary<string, LogBook> _books = new(StringComparer.Ordinal);
    private readonly Dictionary<object, Action<string>> _watchers = new();
    private bool _ready;
    private readonly MailboxLoadTracker _loading = new();

    /// <summary>Props for the agent of <paramref name="keys"/>' user.</summary>
    /// <param name="keys">The user's keys.</param>
    /// <param name="services">The node's POST services.</param>
    /// <param name="requireExisting">Recovery: with an empty journal, wait for the ring's logs instead of creating a new mailbox.</param>
    public static Props Props(UserKeys keys, PostServices services, bool requireExisting = false) =>
        Akka.Actor.Props.Create(() => new UserAgent(keys, services, requireExisting));

    /// <summary>Creates the agent; use <see cref="Props"/>.</summary>
    public UserAgent(UserKeys keys, PostServices services, bool requireExisting)
    {
        _keys = keys;
        _services = services;
        _requireExisting = requireExisting;
        PersistenceId = "post-user-" + keys.Certificate.UserId.ToString();
        Recover<LogAppended>(e => ApplyEvent(e, synced: false));
        Recover<ArchiveRecorded>(ApplyArchiveRecord);
        Loading();
    }

    /// <inheritdoc />
    public override string PersistenceId { get; }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    private PostSettings Settings => _services.Settings;

    private LogBook RootBook => _books[LogHead.RootLabel];

    private RootLogState RootState => (RootLogState)RootBook.State!;

    /// <inheritdoc />
    protected override void OnReplaySuccess()
    {
        if (_books.ContainsKey(LogHead.RootLabel)) BecomeReady();
        else StartBootstrap();
    }

    /// <summary>Until the mailbox is loaded, requests wait (status is answered at once).</summary>
    private void Loading()
    {
        Command<GetAgentStatus>(_ => Sender.Tell(Status()));
        Command<Bootstrapped>(OnBootstrapped);
        Command<BootstrapFailed>(failed =>
        {
            _log.Warning("Loading {0}'s mailbox from the ring failed ({1}); retrying", _keys.Certificate.Address, failed.Reason);
            Timers.StartSingleTimer("bootstrap", RetryBootstrap.Instance, Settings.SyncRetry);
        });
        Command<RetryBootstrap>(_ => StartBootstrap());
        CommandAny(_ => Stash.Stash());
    }

    private void BecomeReady()
    {
        _ready = true;
        RememberNames();
        Become(Ready);
        Stash.UnstashAll();
        foreach (var book in _books.Values) StartSync(book);
        AdoptMissingFolders();
        Timers.StartPeriodicTimer("collect", new CollectNotifications(null), TimeSpan.Zero, Settings.CollectInterval);
        Timers.StartPeriodicTimer("heads", SyncNow.Instance, Settings.HeadCheckInterval, Settings.HeadCheckInterval);
        Timers.StartPeriodicTimer("renew", new RenewTick(), Settings.RenewInterval, Settings.RenewInterval);
        Timers.StartPeriodicTimer("presence", new PresenceTick(), TimeSpan.Zero, Settings.PresenceInterval);
        Timers.StartPeriodicTimer("archive", new ArchiveTick(Full: true), Settings.ArchiveInterval, Settings.ArchiveInterval);
        // Whatever changed before a restart and was not archived yet (the journal records what was).
        ArchiveSoon();
        PublishCertificate();
        _log.Info("Mailbox of {0} ready: {1} folders", _keys.Certificate.Address, RootState.Folders.Count);
    }

    private void Ready()
    {
        FolderCommands();
        SyncCommands();
        DeliveryCommands();
        LeaseCommands();
        ArchiveCommands();
        DegradedCommands();
        DeviceCommands();
        Command<GetAgentStatus>(_ => Sender.Tell(Status()));
        Command<AddWatcher>(watch =>
        {
            _watchers[watch.Key] = watch.OnChange;
            Sender.Tell(AgentDone.Instance);
        });
        Command<RemoveWatcher>(watch => _watchers.Remove(watch.Key));
    }

    private AgentStatus Status() =>
        new(_ready, _books.Values.Count(b => b.Unsynced.Count > 0), _filed, _duplicates, _rejected, _merges, _renewed, _postponed, _archivedCount, _archiveRuns,
            MissingIds(), _degraded.Keys.Select(label => FolderNameOf(label) ?? label).ToList(), Interlocked.Read(ref _hintsSent), _hintsHeeded,
            [.. _archiveContainers], _ready ? null : _loading.Snapshot());

    // ----- Records: the one way state changes -----

    /// <summary>Computes, applies and seals the next record of <paramref name="book"/>; the caller persists the returned event.</summary>
    /// <exception cref="LogFormatException">When the entry contradicts the log (a bug of the caller; the state is unchanged).</exception>
    private LogAppended Append(LogBook book, LogEntry entry, RingId? previous = null, RingId? mergedFrom = null, long? seq = null)
    {
        var next = seq ?? book.Seq + 1;
        var record = new LogRecord((ulong)next, (previous ?? book.Newest)?.ToBytes(), mergedFrom?.ToBytes(), entry);
        var block = EntryBlock.Seal(book.Key, book.Label, LogRecordCodec.Encode(record), _random);
        var data = block.Data.ToArray();
        var state = Replay(book, record);
        var (uidValidity, uidNext) = Counters(state);
        var head = new LogHead(book.Label, next, block.Id, uidValidity, uidNext).Seal(_keys, book.Key, _random, _services.Devices?.Known(_keys.Certificate.Address)).Encode();
        Add(book, record, block.Id, data, head, state, synced: false);
        return new LogAppended(book.Label, next, data, head);
    }

    /// <summary>Applies a journal event (on recovery) or an adopted ring record.</summary>
    private void ApplyEvent(LogAppended e, bool synced)
    {
        var signed = (SignedObject)ObjectCodec.Decode(e.Head, int.MaxValue);
        var head = LogHead.Open(signed, _keys, out var key);
        if (!_books.TryGetValue(e.Label, out var book)) _books[e.Label] = book = new LogBook(e.Label, key);
        var blockId = ContentBlock.IdOf(e.EntryBlock);
        var record = LogRecordCodec.Decode(EntryBlock.Open(book.Key, e.Label, new ContentBlock(blockId, e.EntryBlock)));
        Add(book, record, blockId, e.EntryBlock, e.Head, Replay(book, record, head.UidValidity), synced);
        if (synced) book.MarkSynced(head.Seq);
    }

    private static void Add(LogBook book, LogRecord record, RingId blockId, byte[] data, byte[] head, object state, bool synced)
    {
        var continues = book.Records.Count == 0 ||
                        ((long)record.Seq == book.Seq + 1 && record.Previous is { } previous && book.Newest == RingId.FromBytes(previous));
        if (!continues)
        {
            if (record.Entry is not (FolderSnapshot or RootSnapshot))
                throw new LogFormatException($"Record {record.Seq} of {book.Label} does not follow record {book.Seq}.");
            book.Reset();
        }
        book.State = state;
        book.Add(new HeldRecord((long)record.Seq, blockId, record), data, synced);
        book.Head = head;
    }

    /// <summary>Folder names by log label, including folders deleted since (to bring one back under its name).</summary>
    private readonly Dictionary<string, string> _lastNames = new(StringComparer.Ordinal);

    private void RememberNames()
    {
        foreach (var (id, folder) in RootState.Folders) _lastNames[LogHead.FolderLabel(id)] = folder.Name;
    }

    private static object Replay(LogBook book, LogRecord record, uint uidValidity = 1) =>
        book.Label == LogHead.RootLabel
            ? RootReplay.Apply(book.State as RootLogState ?? RootLogState.Empty, record)
            : FolderReplay.Apply(book.State as FolderLogState ?? FolderLogState.Empty(Math.Max(1u, uidValidity)), record);

    private static (uint UidValidity, uint UidNext) Counters(object state) =>
        state is FolderLogState folder ? (folder.UidValidity, folder.UidNext) : (0u, 0u);

    /// <summary>Adds a snapshot record when the log has grown <see cref="PostSettings.SnapshotEvery"/> records since the last.</summary>
    private void SnapshotIfDue(LogBook book, List<LogAppended> events)
    {
        if (book.SinceSnapshot < Settings.SnapshotEvery || book.Seq < book.NextSnapshotTry) return;
        try
        {
            events.Add(Append(book, book.State is FolderLogState folder ? new FolderSnapshot(folder) : new RootSnapshot((RootLogState)book.State!)));
        }
        catch (LogFormatException e)
        {
            // The state no longer fits one record (a folder of some ten thousand messages). The log stays correct
            // without snapshots, it only loads by longer replay; try again much later rather than on every write.
            book.NextSnapshotTry = book.Seq + Settings.SnapshotEvery * 16L;
            _log.Warning("{0} of {1} is too large for a snapshot record ({2}); continuing without one", book.Label, _keys.Certificate.Address, e.Message);
        }
    }

    /// <summary>Persists the events, then runs <paramref name="after"/>, tells watchers and pushes the touched logs to the ring.</summary>
    private void Commit(List<LogAppended> events, Action after)
    {
        if (events.Count == 0)
        {
            after();
            return;
        }
        var labels = events.Select(e => e.Label).Distinct().ToList();
        var started = System.Diagnostics.Stopwatch.StartNew();
        PersistAll(events, _ => { });
        DeferAsync(labels, touched =>
        {
            if (started.Elapsed > TimeSpan.FromSeconds(1))
                _log.Warning("Writing {0} records of {1} to the journal took {2:F1} s", events.Count, _keys.Certificate.Address, started.Elapsed.TotalSeconds);
            after();
            foreach (var label in touched)
            {
                Notify(label);
                StartSync(_books[label]);
            }
            ArchiveSoon();
        });
    }

    private void Notify(string label)
    {
        if (label == LogHead.RootLabel) RememberNames();
        if (_watchers.Count == 0) return;
        var name = label == LogHead.RootLabel ? "" : FolderNameOf(label) ?? "";
        foreach (var watcher in _watchers.Values.ToList())
        {
            try
            {
                watcher(name);
            }
            catch (Exception e)
            {
                _log.Warning("A mailbox watcher threw: {0}", e.Message);
            }
        }
    }

    private string? FolderNameOf(string label) =>
        RootState.Folders.FirstOrDefault(f => LogHead.FolderLabel(f.Key) == label).Value?.Name;

    /// <inheritdoc />
    protected override void PostStop()
    {
        _random.Dispose();
        base.PostStop();
    }

    private sealed record Bootstrapped(RingChain? Root, IReadOnlyList<RingChain> Folders);

    private sealed record BootstrapFailed(string Reason);

    private sealed record RetryBootstrap
    {
        public static readonly RetryBootstrap Instance = new();
    }

    private sealed record RenewTick;

    private sealed record PresenceTick;
}
