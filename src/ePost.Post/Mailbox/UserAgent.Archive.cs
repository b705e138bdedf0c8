using Akka.Actor;
using Akka.Event;
using ePost.Core.Ids;
using ePost.Post.Logs;
using ePost.Post.Ring;
using ePost.Storage.Glacier;
using ePost.Storage.Objects;

namespace ePost.Post.Mailbox;

/// <summary>
/// Archiving: every <see cref="PostSettings.ArchiveInterval"/> (and on <see cref="ArchiveNow"/>) the owner's node hands
/// everything its mailbox needs (log heads, entries since the last snapshots, every filed message's manifest and
/// blocks) to Glacier and records the container references in the user's <see cref="ArchiveIndex"/>. A node that
/// recovers the mailbox first restores the archive into the ring, so a mailbox survives even when most of the ring,
/// with every replica of its logs, is gone at once.
/// </summary>
public sealed partial class UserAgent
{
    private bool _archiving;
    private readonly List<IActorRef> _archiveWaiters = [];

    private void ArchiveCommands()
    {
        Command<ArchiveNow>(_ => StartArchive(Sender));
        Command<ArchiveTick>(_ => StartArchive(null));
        Command<ArchiveFinished>(done =>
        {
            _archiving = false;
            if (done.Reply is AgentError error) _log.Warning("Archiving the mailbox of {0} failed: {1}", _keys.Certificate.Address, error.Message);
            if (done.Reply is ArchiveIncomplete incomplete)
            {
                _log.Warning("Archiving the mailbox of {0} postponed: the ring lacks {1} of its {2} objects ({3}); trying again in {4}",
                    _keys.Certificate.Address, incomplete.Missing.Count, incomplete.Referenced,
                    string.Join(", ", incomplete.Missing.Take(5).Select(id => id.ToShortString())), Settings.SyncRetry);
                // Sooner than the next interval: a missing object is usually a replica set still settling.
                Timers.StartSingleTimer("archive-retry", new ArchiveTick(), Settings.SyncRetry);
            }
            foreach (var waiter in _archiveWaiters) waiter.Tell(done.Reply);
            _archiveWaiters.Clear();
        });
    }

    private void StartArchive(IActorRef? waiter)
    {
        if (waiter is not null) _archiveWaiters.Add(waiter);
        if (_archiving) return;
        if (_services.Glacier is not { } glacier)
        {
            Self.Tell(new ArchiveFinished(new AgentError(Mail.Backend.MailStoreError.Unavailable, "This node runs no archive.")));
            return;
        }
        _archiving = true;
        var (heads, entries, messages) = Referenced();
        ArchiveAsync(glacier, heads, entries, messages).PipeTo(Self);
    }

    private async Task<ArchiveFinished> ArchiveAsync(IActorRef glacier, List<RingId> heads, List<RingId> blocks, List<MessageRef> messages)
    {
        var ring = _services.Ring;
        try
        {
            // An archive is complete or it is not made: the index then still names the last complete one, and an
            // archive lacking a head, an entry, a manifest or a block would restore a mailbox that cannot load.
            var missing = new List<RingId>();
            foreach (var message in messages)
            {
                blocks.Add(RingId.FromBytes(message.ManifestId));
                if (await BlocksOfAsync(message).ConfigureAwait(false) is { } named) blocks.AddRange(named);
                else missing.Add(RingId.FromBytes(message.ManifestId));
            }
            var objects = new List<StoredObject>();
            foreach (var id in heads)
                if (await ring.LookupAsync(id, newest: true).ConfigureAwait(false) is { } head) objects.Add(head);
                else missing.Add(id);
            foreach (var id in blocks.Distinct())
                if (await ring.LookupAsync(id).ConfigureAwait(false) is { } block) objects.Add(block);
                else missing.Add(id);
            if (missing.Count > 0) return new ArchiveFinished(new ArchiveIncomplete(missing.Distinct().ToList(), objects.Count + missing.Count));
            var answer = await glacier.Ask<object>(new Archive(objects, Settings.MessageLease), Settings.RequestTimeout * 6).ConfigureAwait(false);
            if (answer is not Archived archived)
                return new ArchiveFinished(new AgentError(Mail.Backend.MailStoreError.Unavailable, (answer as ArchiveFailed)?.Reason ?? answer.ToString()!));
            var version = ((await ArchiveIndex.ReadAsync(ring, _keys).ConfigureAwait(false))?.Version ?? 0) + 1;
            if (!await ArchiveIndex.WriteAsync(ring, _keys, version, archived.Containers, Settings.MessageLease).ConfigureAwait(false))
                return new ArchiveFinished(new AgentError(Mail.Backend.MailStoreError.Unavailable, "The archive index could not be stored."));
            return new ArchiveFinished(new MailboxArchived(archived.Containers, objects.Count));
        }
        catch (Exception e)
        {
            return new ArchiveFinished(new AgentError(Mail.Backend.MailStoreError.Unavailable, e.Message));
        }
    }

    /// <summary>
    /// Puts the user's last archive back into the ring: every object of every container, re-inserted (objects the ring
    /// still has cost an acknowledgement). False when there is no archive index or no container could be restored.
    /// </summary>
    private static async Task<bool> RestoreArchiveAsync(PostServices services, Core.Crypto.UserKeys keys, ILoggingAdapter log)
    {
        if (services.Glacier is not { } glacier || await ArchiveIndex.ReadAsync(services.Ring, keys).ConfigureAwait(false) is not { } index) return false;
        var restored = 0;
        foreach (var container in index.Containers)
        {
            var answer = await glacier.Ask<object>(new Restore(container), services.Settings.RequestTimeout * 6).ConfigureAwait(false);
            if (answer is not Restored objects)
            {
                log.Warning("Restoring an archive container of {0} failed: {1}", keys.Certificate.Address, (answer as RestoreFailed)?.Reason);
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
        }
        log.Info("Restored {0} objects of {1}'s archive (version {2}) into the ring", restored, keys.Certificate.Address, index.Version);
        return restored > 0;
    }

    private sealed record ArchiveTick;

    private sealed record ArchiveFinished(object Reply);
}
