using Akka.Actor;
using Akka.Event;
using ePost.Core.Ids;
using ePost.Post.Logs;
using ePost.Post.Ring;
using ePost.Post.Wire;
using ePost.Storage.Glacier;
using ePost.Storage.Objects;

namespace ePost.Post.Mailbox;

/// <summary>
/// Archiving: the owner's node hands what its mailbox needs (log heads, entries since the last snapshots, every filed
/// message's manifest and blocks) to Glacier and records the container references in the user's
/// <see cref="ArchiveIndex"/>. A node that recovers the mailbox first restores the archive into the ring, so a mailbox
/// survives even when most of the ring, with every replica of its logs, is gone at once.
/// </summary>
/// <remarks>
/// Incremental: <see cref="PostSettings.ArchiveDelay"/> after a change, a run packs only the objects not archived
/// before (the journal records what is, as <see cref="ArchiveRecorded"/> events, so a restart does not redo it) and
/// the index then names the earlier containers and the new ones. Every <see cref="PostSettings.ArchiveInterval"/>
/// (and on <see cref="ArchiveNow"/>) a full pass archives everything afresh and the index names only its containers:
/// it catches anything a run missed, keeps every container's lease young and the index short.
/// </remarks>
public sealed partial class UserAgent
{
    /// <summary>An index with this many containers is compacted: the next run is a full pass.</summary>
    private const int MaxIncrementalContainers = 256;

    private readonly HashSet<RingId> _archivedObjects = new();
    private readonly Dictionary<RingId, long> _archivedHeads = new();
    private readonly List<ContainerRef> _archiveContainers = [];
    private ArchiveRun? _archiveRunning;
    private ArchiveRun? _archiveQueued;
    private long _archivedCount;
    private long _archiveRuns;

    private void ArchiveCommands()
    {
        Command<ArchiveNow>(_ => RequestArchive(full: true, Sender));
        Command<ArchiveChangesNow>(_ => RequestArchive(full: false, Sender));
        Command<ArchiveTick>(tick => RequestArchive(tick.Full, null));
        Command<ArchiveFinished>(done =>
        {
            if (done.Record is { } record)
            {
                // The index already names the new containers; once the journal says so, no run archives them again.
                Persist(record, e =>
                {
                    ApplyArchiveRecord(e);
                    _archivedCount += e.Objects.Count + e.Heads.Count;
                    FinishArchive(done);
                });
                return;
            }
            FinishArchive(done);
        });
    }

    /// <summary>A change was committed: archive what it added soon, together with whatever changes until then.</summary>
    private void ArchiveSoon()
    {
        if (_services.Glacier is null || Timers.IsTimerActive("archive-changes")) return;
        Timers.StartSingleTimer("archive-changes", new ArchiveTick(Full: false), Settings.ArchiveDelay);
    }

    private void ApplyArchiveRecord(ArchiveRecorded e)
    {
        if (e.Replaces)
        {
            _archivedObjects.Clear();
            _archivedHeads.Clear();
            _archiveContainers.Clear();
        }
        _archivedObjects.UnionWith(e.Objects);
        for (var i = 0; i < e.Heads.Count && i < e.HeadSeqs.Count; i++)
            _archivedHeads[e.Heads[i]] = Math.Max(_archivedHeads.GetValueOrDefault(e.Heads[i]), e.HeadSeqs[i]);
        _archiveContainers.AddRange(e.Containers.Select(c => ContainerRef.FromBytes(c)));
    }

    private void FinishArchive(ArchiveFinished done)
    {
        var run = _archiveRunning!;
        _archiveRunning = null;
        if (done.Reply is AgentError error) _log.Warning("Archiving the mailbox of {0} failed: {1}", _keys.Certificate.Address, error.Message);
        if (done.Reply is ArchiveIncomplete incomplete)
        {
            _log.Warning("Archiving the mailbox of {0} postponed: the ring lacks {1} of its {2} objects ({3}); trying again in {4}",
                _keys.Certificate.Address, incomplete.Missing.Count, incomplete.Referenced,
                string.Join(", ", incomplete.Missing.Take(5).Select(id => id.ToShortString())), Settings.SyncRetry);
            // The messages that lack something are listed in the status and looked for like any unreadable message.
            var lacking = incomplete.Missing.ToHashSet();
            StartProbe(_books.Keys.SelectMany(MessagesOf).Where(m => lacking.Contains(RingId.FromBytes(m.Ref.ManifestId))
                || (_messageBlocks.TryGetValue(RingId.FromBytes(m.Ref.ManifestId), out var blocks) && blocks.Any(lacking.Contains))).ToList());
            // Sooner than the next interval: a missing object is usually a replica set still settling.
            Timers.StartSingleTimer("archive-retry", new ArchiveTick(run.Full), run.Full ? Settings.SyncRetry : Settings.ArchiveDelay);
        }
        if (done.Reply is AgentError && !run.Full) Timers.StartSingleTimer("archive-retry", new ArchiveTick(Full: false), Settings.ArchiveDelay);
        foreach (var waiter in run.Waiters) waiter.Tell(done.Reply);
        if (_archiveQueued is { } next)
        {
            _archiveQueued = null;
            StartArchive(next);
        }
    }

    private void RequestArchive(bool full, IActorRef? waiter)
    {
        if (_services.Glacier is null)
        {
            waiter?.Tell(new AgentError(Mail.Backend.MailStoreError.Unavailable, "This node runs no archive."));
            return;
        }
        if (_archiveRunning is not null)
        {
            // One run at a time; requests meanwhile become one more run after it (full if any of them was).
            _archiveQueued = new ArchiveRun(full || _archiveQueued?.Full == true, [.. _archiveQueued?.Waiters ?? [], .. waiter is null ? [] : new[] { waiter }]);
            return;
        }
        StartArchive(new ArchiveRun(full, waiter is null ? [] : [waiter]));
    }

    private void StartArchive(ArchiveRun run)
    {
        if (!run.Full && _archiveContainers.Count >= MaxIncrementalContainers) run = run with { Full = true };
        _archiveRunning = run;
        _archiveRuns++;
        var live = _books.Values.Where(b => b.Label == LogHead.RootLabel || FolderNameOf(b.Label) is not null).ToList();
        var plan = new ArchivePlan(
            run.Full,
            live.Where(b => run.Full || _archivedHeads.GetValueOrDefault(LogHead.IdOf(_keys, b.Label)) < b.Seq)
                .Select(b => ((SignedObject)ObjectCodec.Decode(b.Head, int.MaxValue), b.Seq)).ToList(),
            live.SelectMany(UnarchivedEntries).Where(e => run.Full || !_archivedObjects.Contains(e.Id)).DistinctBy(e => e.Id).ToList(),
            live.Select(b => b.State).OfType<FolderLogState>().SelectMany(s => s.Messages).Select(m => m.Ref)
                .Where(m => run.Full || !_archivedObjects.Contains(RingId.FromBytes(m.ManifestId))).Distinct().ToList(),
            run.Full ? [] : [.. _archiveContainers],
            run.Full ? [] : [.. _archivedObjects],
            [.. _degraded.Values.Select(d => d.Gap)]);
        ArchiveAsync(_services.Glacier!, plan).PipeTo(Self);
    }

    /// <summary>The live entries of <paramref name="book"/>, each with its block when the ring may not have it yet.</summary>
    private static IEnumerable<(RingId Id, ContentBlock? Held)> UnarchivedEntries(LogBook book)
    {
        var held = book.Unsynced.Values.Select(d => ContentBlock.Create(d)).ToDictionary(c => c.Id);
        return book.LiveBlocks().Select(id => (id, held.GetValueOrDefault(id))).ToList();
    }

    private async Task<ArchiveFinished> ArchiveAsync(IActorRef glacier, ArchivePlan plan)
    {
        var ring = _services.Ring;
        try
        {
            // A full pass is complete or it is not made: the index then still names the last complete archive, and
            // one lacking a head, an entry, a manifest or a block would replace it. An incremental run only adds to
            // the index: it packs what the ring has, leaves what it lacks unrecorded (so the next run tries again)
            // and says what that was.
            // A degraded folder's gap is missing too: its log is not archived until it is whole.
            var missing = new List<RingId>(plan.Gaps);
            var objects = new List<StoredObject>(plan.Heads.Select(h => (StoredObject)h.Head));
            var archived = new List<RingId>();
            var packed = new HashSet<RingId>(plan.Known);
            // Heads are this node's own (the versions its entries lead to); entries it has not pushed yet come from it too.
            foreach (var (id, held) in plan.Entries)
            {
                if (((StoredObject?)held ?? await ring.LookupAsync(id).ConfigureAwait(false)) is not { } entry)
                {
                    missing.Add(id);
                    continue;
                }
                objects.Add(entry);
                archived.Add(id);
                packed.Add(id);
            }
            foreach (var message in plan.Messages)
            {
                var manifestId = RingId.FromBytes(message.ManifestId);
                if (await BlocksOfAsync(message).ConfigureAwait(false) is not { } named)
                {
                    missing.Add(manifestId);
                    continue;
                }
                var complete = true;
                foreach (var id in named.Prepend(manifestId).Where(packed.Add))
                {
                    if (await ring.LookupAsync(id).ConfigureAwait(false) is { } block)
                    {
                        objects.Add(block);
                        if (id != manifestId) archived.Add(id);
                    }
                    else
                    {
                        missing.Add(id);
                        packed.Remove(id);
                        complete = false;
                    }
                }
                // The manifest stands for the whole message in the record: only once every block of it is archived.
                if (complete) archived.Add(manifestId);
            }
            var referenced = objects.Count + missing.Count;
            if (missing.Count > 0 && plan.Full) return new ArchiveFinished(new ArchiveIncomplete(missing.Distinct().ToList(), referenced), null);
            if (objects.Count == 0)
                return new ArchiveFinished(missing.Count > 0 ? new ArchiveIncomplete(missing.Distinct().ToList(), referenced) : new MailboxArchived([], 0), null);
            var answer = await glacier.Ask<object>(new Archive(objects, Settings.MessageLease), Settings.RequestTimeout * 6).ConfigureAwait(false);
            if (answer is not Archived made)
                return new ArchiveFinished(new AgentError(Mail.Backend.MailStoreError.Unavailable, (answer as ArchiveFailed)?.Reason ?? answer.ToString()!), null);
            var version = ((await ArchiveIndex.ReadAsync(ring, _keys).ConfigureAwait(false))?.Version ?? 0) + 1;
            if (!await ArchiveIndex.WriteAsync(ring, _keys, version, [.. plan.Earlier, .. made.Containers], Settings.MessageLease).ConfigureAwait(false))
                return new ArchiveFinished(new AgentError(Mail.Backend.MailStoreError.Unavailable, "The archive index could not be stored."), null);
            var record = new ArchiveRecorded(plan.Full, archived.Distinct().ToList(), plan.Heads.Select(h => h.Head.Id).ToList(),
                plan.Heads.Select(h => h.Seq).ToList(), made.Containers.Select(c => c.ToBytes()).ToList());
            return new ArchiveFinished(missing.Count > 0
                ? new ArchiveIncomplete(missing.Distinct().ToList(), referenced)
                : new MailboxArchived(made.Containers, objects.Count), record);
        }
        catch (Exception e)
        {
            return new ArchiveFinished(new AgentError(Mail.Backend.MailStoreError.Unavailable, e.Message), null);
        }
    }

    /// <summary>
    /// Puts the user's last archive back into the ring: every object of every container, re-inserted (objects the ring
    /// still has cost an acknowledgement). False when there is no archive index or no container could be restored.
    /// </summary>
    private static async Task<bool> RestoreArchiveAsync(PostServices services, Core.Crypto.UserKeys keys, ILoggingAdapter log, MailboxLoadTracker loading)
    {
        loading.Begin("looking for an archive", null);
        if (services.Glacier is not { } glacier || await ArchiveIndex.ReadAsync(services.Ring, keys).ConfigureAwait(false) is not { } index) return false;
        var restored = 0;
        loading.Begin("restoring the archive", index.Containers.Count);
        foreach (var container in index.Containers)
        {
            var answer = await glacier.Ask<object>(new Restore(container), services.Settings.RequestTimeout * 6).ConfigureAwait(false);
            if (answer is not Restored objects)
            {
                log.Warning("Restoring an archive container of {0} failed: {1}", keys.Certificate.Address, (answer as RestoreFailed)?.Reason);
                loading.Step();
                continue;
            }
            foreach (var value in objects.Objects)
            {
                try
                {
                    await services.Ring.InsertAsync(value, services.Settings.LogLease).ConfigureAwait(false);
                    restored++;
                }
                catch (RingException e) when (e.Refusal is RefusalReason.StaleVersion or RefusalReason.VersionConflict)
                {
                    // The ring already holds a newer head than the archive's: keep it.
                }
            }
            loading.Step();
        }
        log.Info("Restored {0} objects of {1}'s archive (version {2}) into the ring", restored, keys.Certificate.Address, index.Version);
        return restored > 0;
    }

    private sealed record ArchiveTick(bool Full);

    private sealed record ArchiveFinished(object Reply, ArchiveRecorded? Record);

    /// <summary>One archive run and who waits for its answer.</summary>
    private sealed record ArchiveRun(bool Full, List<IActorRef> Waiters);

    /// <summary>What one run packs: heads at their sequence numbers, entries (with their data when not pushed yet), messages; and the containers the index keeps.</summary>
    private sealed record ArchivePlan(bool Full, List<(SignedObject Head, long Seq)> Heads, List<(RingId Id, ContentBlock? Held)> Entries,
        List<MessageRef> Messages, List<ContainerRef> Earlier, HashSet<RingId> Known, List<RingId> Gaps);
}
