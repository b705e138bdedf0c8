using System.Security.Cryptography;
using Akka.Actor;
using Akka.Event;
using ePost.Core.Ids;
using ePost.Post.Logs;
using ePost.Post.Ring;
using ePost.Post.Wire;
using ePost.Storage.Objects;

namespace ePost.Post.Mailbox;

/// <summary>
/// Write-through and forks: pushing each log's new records and head to the ring, noticing records written elsewhere
/// (the same user on another node, for example across a partition), fast-forwarding to them or merging both branches.
/// </summary>
public sealed partial class UserAgent
{
    private long _merges;

    private void SyncCommands()
    {
        Command<SyncNow>(_ =>
        {
            foreach (var book in _books.Values.ToList()) StartSync(book, force: true);
            AdoptMissingFolders();
            Sender.Tell(AgentDone.Instance);
        });
        Command<LogSynced>(synced =>
        {
            var book = _books[synced.Label];
            book.Syncing = false;
            book.MarkSynced(synced.Seq);
            // Records of this node's are in the ring now: the user's other devices can read them.
            if (synced.Pushed is { } newest) HintDevices(new HintedHead(book.Label, synced.Seq, newest));
            if (book.Unsynced.Count > 0 || book.CheckAgain) StartSync(book, force: book.CheckAgain);
            else BringBackIfOrphaned(book);
        });
        Command<SyncFailed>(failed =>
        {
            _books[failed.Label].Syncing = false;
            _log.Warning("Pushing {0} of {1} to the ring failed ({2}); retrying in {3}", failed.Label, _keys.Certificate.Address, failed.Reason, Settings.SyncRetry);
            Timers.StartSingleTimer(("sync", failed.Label), new RetrySync(failed.Label), Settings.SyncRetry);
        });
        Command<RetrySync>(retry => StartSync(_books[retry.Label], force: true));
        Command<ForkSuspected>(fork => ReadFork(_books[fork.Label], fork.Refused));
        Command<ForkRead>(fork =>
        {
            try
            {
                OnForkRead(fork);
            }
            catch (LogFormatException e)
            {
                // The two branches cannot be combined as read (a damaged or foreign record): nothing was applied;
                // keep serving, and try again after the retry interval (the ring may have moved on meanwhile).
                _log.Error(e, "Merging {0} of {1} failed; retrying", fork.Label, _keys.Certificate.Address);
                _books[fork.Label].Syncing = false;
                Timers.StartSingleTimer(("sync", fork.Label), new RetrySync(fork.Label), Settings.SyncRetry);
            }
        });
        Command<Adopted>(OnAdopted);
        Command<OrphanCheck>(check => BringBackIfOrphaned(_books[check.Label]));
    }

    /// <summary>Pushes the log's unsynced records and head, after checking that the ring's head is one of ours.</summary>
    private void StartSync(LogBook book, bool force = false)
    {
        if (book.Syncing)
        {
            // The running sync may have read the ring's head before the change it is asked to look for.
            book.CheckAgain |= force;
            return;
        }
        if (!force && book.Unsynced.Count == 0 && book.RingSeq >= book.Seq) return;
        book.Syncing = true;
        book.CheckAgain = false;
        var label = book.Label;
        var seq = book.Seq;
        var blocks = book.Unsynced.Values.ToList();
        var head = (SignedObject)ObjectCodec.Decode(book.Head, int.MaxValue);
        var held = book.KnownIds();
        SyncAsync(label, seq, blocks, head, held, blocks.Count > 0 ? book.Newest : null).PipeTo(Self);
    }

    private async Task<object> SyncAsync(string label, long seq, List<byte[]> blocks, SignedObject head, HashSet<RingId> held, RingId? newest)
    {
        var ring = _services.Ring;
        try
        {
            if (await ring.LookupAsync(head.Id, newest: true).ConfigureAwait(false) is SignedObject current)
            {
                var theirs = LogHead.Open(current, _keys, out _);
                // A head we do not hold was written elsewhere: pushing ours would bury it, so read it first.
                if (theirs.Newest is { } other && !held.Contains(other)) return new ForkSuspected(label);
            }
            foreach (var block in blocks) await ring.InsertAsync(ContentBlock.Create(block), Settings.LogLease).ConfigureAwait(false);
            await ring.InsertAsync(head, Settings.LogLease).ConfigureAwait(false);
            return new LogSynced(label, seq, newest);
        }
        catch (RingException e) when (e.Refusal is RefusalReason.StaleVersion or RefusalReason.VersionConflict)
        {
            return new ForkSuspected(label, Refused: true);
        }
        catch (Exception e)
        {
            return new SyncFailed(label, e.Message);
        }
    }

    private void ReadFork(LogBook book, bool refused)
    {
        var held = book.KnownIds();
        var label = book.Label;
        var ring = _services.Ring;
        var keys = _keys;
        Task.Run(async () =>
        {
            try
            {
                return (object)new ForkRead(label, await LogChainReader.ReadAsync(ring, keys, label, held.Contains, stopAtSnapshot: false).ConfigureAwait(false), refused);
            }
            catch (Exception e)
            {
                return new SyncFailed(label, "reading the ring's branch failed: " + e.Message);
            }
        }).PipeTo(Self);
    }

    /// <summary>The ring's branch is read: adopt it when ours adds nothing, push ours when it adds nothing, else merge.</summary>
    private void OnForkRead(ForkRead fork)
    {
        var book = _books[fork.Label];
        var chain = fork.Chain;
        if (chain is null || chain.Links.Count == 0)
        {
            if (fork.Refused && chain is not null)
            {
                // The replicas refused our head although the newest head we can read is our own: they hold another
                // head of the same (or a higher) number that this node's reads do not reach (its own stale copy wins
                // the tie). Writing our state once more as a snapshot gives our branch a higher number; the other
                // writer then sees it, merges, and both converge.
                var bump = new List<LogAppended>
                {
                    Append(book, book.State is FolderLogState folder ? new FolderSnapshot(folder) : new RootSnapshot((RootLogState)book.State!),
                        seq: Math.Max(book.Seq, chain.Head.Seq) + 1),
                };
                PersistAll(bump, _ => { });
                DeferAsync(book.Label, _ =>
                {
                    book.Syncing = false;
                    StartSync(book, force: true);
                });
                return;
            }
            book.Syncing = false;
            if (chain is not null) book.MarkSynced(Math.Min(book.Seq, chain.Head.Seq));
            StartSync(book, force: true);
            return;
        }
        var local = (chain.StoppedAt is { } ancestor ? book.After(ancestor) : null) ?? book.Records;
        var events = new List<LogAppended>();
        if (local.Count == 0)
        {
            // Fast-forward: everything the ring has beyond our newest record was written elsewhere; take it as is.
            var head = chain.SignedHead.Encode();
            foreach (var link in chain.Links)
            {
                var e = new LogAppended(book.Label, (long)link.Record.Seq, link.BlockData, head);
                ApplyEvent(e, synced: true);
                events.Add(e);
            }
            _log.Info("{0} of {1}: took {2} records written elsewhere", book.Label, _keys.Certificate.Address, chain.Links.Count);
        }
        else
        {
            var ancestorState = StateAt(book, chain.StoppedAt, chain);
            var ringRecords = chain.Links.Select(l => l.Record).ToList();
            var localRecords = local.Select(r => r.Record).ToList();
            LogEntry merged;
            if (ancestorState is RootLogState rootAncestor)
            {
                var root = LogMerge.MergeRoot(rootAncestor, ringRecords, BranchFlattening.Root(rootAncestor, localRecords));
                // The UIDVALIDITY hint this side raised (for a folder given a new UIDVALIDITY by a merge) survives the
                // flattening of the local branch only here: no folder created later may get one of those again.
                merged = new RootSnapshot(root.WithNextUidValidity(Math.Max(root.NextUidValidity, RootState.NextUidValidity)));
            }
            else
            {
                var folderAncestor = (FolderLogState)ancestorState;
                var result = LogMerge.MergeFolderDetailed(folderAncestor, ringRecords, BranchFlattening.Folder(folderAncestor, localRecords));
                var state = result.State;
                // Mail filed here had to take other UIDs: a client of this device may hold one of the old ones, which
                // now names other mail, so the folder's UIDs start afresh under a new UIDVALIDITY. The same when this
                // side's UIDVALIDITY is newer than the ring's (an earlier merge here gave it, and flattening the branch
                // into operations lost it): this side's clients hold UIDs of its own numbering under it, and UIDVALIDITY
                // must never go back (RFC 3501 2.3.1.1). A newer one on the ring's side is simply kept.
                var localValidity = ((FolderLogState)book.State!).UidValidity;
                if (result.Renumbered.Count > 0 || localValidity > state.UidValidity)
                {
                    state = state.With(uidValidity: FreshUidValidity(book.Label, Math.Max(localValidity, state.UidValidity), events));
                    _log.Warning("{0} of {1}: the merge gave {2} messages filed here other UIDs (this side's UIDVALIDITY was {3}, the ring's {4}); UIDVALIDITY is now {5}",
                        book.Label, _keys.Certificate.Address, result.Renumbered.Count, localValidity, result.State.UidValidity, state.UidValidity);
                }
                // Delivery ids this node filed stay filed, whatever form the local branch had.
                merged = new FolderSnapshot(state.With(deliveredIds: state.DeliveredIds.Union(((FolderLogState)book.State!).DeliveredIds)));
            }
            // The ring's branch is now part of this log's history: its head is no longer "another writer".
            book.RememberAncestry(chain.Links.Select(l => l.BlockId));
            var seq = Math.Max(chain.Head.Seq, book.Seq) + 1;
            events.Add(Append(book, merged, previous: chain.Head.Newest, mergedFrom: book.Newest, seq: seq));
            _merges++;
            _log.Warning("{0} of {1} was written on two sides; merged {2} ring records with {3} of ours into record {4}",
                book.Label, _keys.Certificate.Address, ringRecords.Count, localRecords.Count, seq);
        }
        var label = book.Label;
        var rootToo = label != LogHead.RootLabel && events.Any(e => e.Label == LogHead.RootLabel);
        PersistAll(events, _ => { });
        DeferAsync(label, _ =>
        {
            book.Syncing = false;
            Notify(label);
            if (rootToo)
            {
                Notify(LogHead.RootLabel);
                StartSync(RootBook);
            }
            if (label == LogHead.RootLabel) AdoptMissingFolders();
            StartSync(book, force: true);
            ArchiveSoon();
            // Not from inside this handler: a write started in a persistence callback would wait on itself.
            Self.Tell(new OrphanCheck(label));
        });
    }

    /// <summary>
    /// A UIDVALIDITY above <paramref name="above"/> and every one this mailbox used (the root log's hint), for the folder
    /// of <paramref name="label"/>; the root log records it and raises its hint past it (a record added to
    /// <paramref name="events"/>), so that no folder created later gets it again. A random step above the hint keeps two
    /// devices that merge the same fork at once from drawing the same value for different numberings.
    /// </summary>
    private uint FreshUidValidity(string label, uint above, List<LogAppended> events)
    {
        var root = RootState;
        var fresh = (uint)Math.Min(uint.MaxValue, Math.Max((ulong)root.NextUidValidity, above + 1UL) + (ulong)RandomNumberGenerator.GetInt32(4096));
        var id = LogHead.FolderIdOf(label);
        var next = root.Folders.TryGetValue(id, out var folder)
            ? root.WithFolder(id, folder with { UidValidity = fresh })
            : root.WithNextUidValidity(fresh == uint.MaxValue ? fresh : fresh + 1);
        events.Add(Append(RootBook, new RootSnapshot(next)));
        return fresh;
    }

    /// <summary>
    /// A folder log that, reconciled with the ring, still holds mail although the root log says the folder was deleted:
    /// the deletion was made elsewhere without seeing that mail (a partition). No mail is lost: the folder comes back.
    /// </summary>
    private void BringBackIfOrphaned(LogBook book)
    {
        if (book.Label == LogHead.RootLabel || book.State is not FolderLogState { Messages.Count: > 0 } state) return;
        var id = LogHead.FolderIdOf(book.Label);
        if (RootState.Folders.ContainsKey(id)) return;
        var name = _lastNames.GetValueOrDefault(book.Label) ?? $"Recovered {id:x16}";
        while (RootState.FolderIdOf(name) is not null) name += " (recovered)";
        var events = new List<LogAppended>();
        foreach (var parent in FolderNames.SelfAndParents(name).SkipLast(1))
            if (RootState.FolderIdOf(parent) is null) CreateFolderRecords(parent, events);
        events.Add(Append(RootBook, new FolderCreated(id, name, state.UidValidity)));
        _log.Warning("Folder {0} of {1} was deleted elsewhere but holds {2} messages filed here meanwhile: it is back", name, _keys.Certificate.Address, state.Messages.Count);
        Commit(events, () => { });
    }

    /// <summary>The log's state just after the common ancestor (or, with none, the empty state the ring's branch starts from).</summary>
    private static object StateAt(LogBook book, RingId? ancestor, RingChain chain)
    {
        var records = book.Records.ToList();
        var end = ancestor is { } id ? records.FindIndex(r => r.BlockId == id) : -1;
        if (end < 0)
            return book.Label == LogHead.RootLabel ? RootLogState.Empty : FolderLogState.Empty(Math.Max(1u, chain.Head.UidValidity));
        var start = records.FindLastIndex(end, r => r.Record.Entry is FolderSnapshot or RootSnapshot);
        var slice = records.Skip(Math.Max(0, start)).Take(end - Math.Max(0, start) + 1).Select(r => r.Record);
        return book.Label == LogHead.RootLabel
            ? RootReplay.Replay(RootLogState.Empty, slice)
            : FolderReplay.Replay(FolderLogState.Empty(Math.Max(1u, chain.Head.UidValidity)), slice);
    }

    // ----- Loading: a new mailbox, or the user's logs adopted from the ring -----

    private void StartBootstrap()
    {
        var ring = _services.Ring;
        var keys = _keys;
        var requireExisting = _requireExisting;
        var services = _services;
        var log = _log;
        var loading = _loading;
        Task.Run(async () =>
        {
            try
            {
                // Taking a mailbox over: first put its archive back into the ring, in case the ring lost objects the
                // logs need (a correlated failure can take every replica of some of them).
                if (requireExisting) await RestoreArchiveAsync(services, keys, log, loading).ConfigureAwait(false);
                loading.Begin("reading the mailbox list", null);
                var root = await LogChainReader.ReadAsync(ring, keys, LogHead.RootLabel, _ => loading.EntryRead()).ConfigureAwait(false);
                if (root is null)
                    return requireExisting ? new BootstrapFailed("the ring holds no mailbox for this user (yet)") : (object)new Bootstrapped(null, []);
                var state = RootReplay.Replay(RootLogState.Empty, root.Links.Select(l => l.Record));
                var folders = new List<RingChain>();
                loading.Begin("reading folders", state.Folders.Count);
                foreach (var id in state.Folders.Keys)
                {
                    // A folder whose chain breaks at a missing entry still loads, degraded (the root's own gap does not).
                    if (await LogChainReader.ReadAsync(ring, keys, LogHead.FolderLabel(id), _ => loading.EntryRead(), tolerateGap: true).ConfigureAwait(false) is { } chain)
                        folders.Add(chain);
                    loading.Step();
                }
                return new Bootstrapped(root, folders);
            }
            catch (Exception e)
            {
                return new BootstrapFailed(e.Message);
            }
        }).PipeTo(Self);
    }

    private void OnBootstrapped(Bootstrapped loaded)
    {
        var events = new List<LogAppended>();
        if (loaded.Root is null)
        {
            var root = new LogBook(LogHead.RootLabel, LogHead.NewLogKey());
            _books[root.Label] = root;
            events.Add(Append(root, new RootSnapshot(RootLogState.Empty)));
            CreateFolderRecords(FolderNames.Inbox, events);
            foreach (var name in StandardFolders) CreateFolderRecords(name, events);
            _log.Info("Created a new mailbox for {0}", _keys.Certificate.Address);
        }
        else
        {
            foreach (var chain in loaded.Folders.Prepend(loaded.Root))
                if (chain.Gap is null) events.AddRange(AdoptChain(chain));
                else SetDegraded(chain);
            _log.Info("Recovered the mailbox of {0} from the ring: {1} folders, {2} of them incomplete", _keys.Certificate.Address, loaded.Folders.Count, _degraded.Count);
            // The logs came from the ring: see that every message they file can be read from it too.
            Self.Tell(new ProbeMissing(_books.Keys.SelectMany(MessagesOf).ToList()));
        }
        PersistAll(events, _ => { });
        DeferAsync(events.Count, _ => BecomeReady());
    }

    private List<LogAppended> AdoptChain(RingChain chain)
    {
        var head = chain.SignedHead.Encode();
        var events = new List<LogAppended>();
        foreach (var link in chain.Links)
        {
            var e = new LogAppended(chain.Head.Label, (long)link.Record.Seq, link.BlockData, head);
            ApplyEvent(e, synced: true);
            events.Add(e);
        }
        return events;
    }

    /// <summary>Loads the log of every folder the root names that this node has no log for (created elsewhere, or after a merge).</summary>
    private void AdoptMissingFolders()
    {
        foreach (var (id, folder) in RootState.Folders)
        {
            var label = LogHead.FolderLabel(id);
            if (_books.ContainsKey(label) || !_adopting.Add(label)) continue;
            var ring = _services.Ring;
            var keys = _keys;
            var uidValidity = folder.UidValidity;
            Task.Run(async () =>
            {
                try
                {
                    return new Adopted(label, uidValidity, await LogChainReader.ReadAsync(ring, keys, label, _ => false, tolerateGap: true).ConfigureAwait(false), null);
                }
                catch (Exception e)
                {
                    return new Adopted(label, uidValidity, null, e.Message);
                }
            }).PipeTo(Self);
        }
    }

    private readonly HashSet<string> _adopting = new(StringComparer.Ordinal);

    private void OnAdopted(Adopted adopted)
    {
        _adopting.Remove(adopted.Label);
        if (_books.ContainsKey(adopted.Label)) return;
        if (adopted.Problem is not null)
        {
            _log.Warning("Loading folder log {0} of {1} failed ({2}); retrying", adopted.Label, _keys.Certificate.Address, adopted.Problem);
            Timers.StartSingleTimer(("adopt", adopted.Label), SyncNow.Instance, Settings.SyncRetry);
            return;
        }
        if (adopted.Chain is { Gap: not null } partial)
        {
            SetDegraded(partial);
            return;
        }
        if (adopted.Chain is null && _degraded.ContainsKey(adopted.Label))
        {
            // The head that led to the gap is not found now either: stay degraded rather than start the folder empty.
            Timers.StartSingleTimer(("degraded", adopted.Label), RetryDegraded.Instance, Settings.SyncRetry);
            return;
        }
        List<LogAppended> events;
        var healed = _degraded.ContainsKey(adopted.Label);
        if (adopted.Chain is { } chain)
        {
            Healed(adopted.Label);
            events = AdoptChain(chain);
        }
        else
        {
            // The root names a folder whose log never reached the ring (its writer's push was cut off): start it empty.
            var book = new LogBook(adopted.Label, LogHead.NewLogKey());
            _books[book.Label] = book;
            events = [Append(book, new FolderSnapshot(FolderLogState.Empty(adopted.UidValidity)))];
        }
        var label = adopted.Label;
        PersistAll(events, _ => { });
        DeferAsync(label, _ =>
        {
            Notify(label);
            StartSync(_books[label], force: true);
            ArchiveSoon();
            if (healed) StartProbe(MessagesOf(label));
        });
    }

    /// <summary>The ring holds the log up to <paramref name="Seq"/>; <paramref name="Pushed"/> is its newest block when this push wrote records.</summary>
    private sealed record LogSynced(string Label, long Seq, RingId? Pushed);

    private sealed record OrphanCheck(string Label);

    private sealed record SyncFailed(string Label, string Reason);

    private sealed record RetrySync(string Label);

    private sealed record ForkSuspected(string Label, bool Refused = false);

    private sealed record ForkRead(string Label, RingChain? Chain, bool Refused = false);

    private sealed record Adopted(string Label, uint UidValidity, RingChain? Chain, string? Problem);
}
