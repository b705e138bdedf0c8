using System.Collections.Concurrent;
using Akka.Event;
using Akka.Actor;
using ePost.Core.Crypto;
using ePost.Core.Ids;
using ePost.Overlay.Node;
using ePost.Post.Identity;
using ePost.Post.Logs;
using ePost.Post.Messages;
using ePost.Post.Ring;
using ePost.Storage.Objects;

namespace ePost.Post.Mailbox;

/// <summary>
/// Leases: this node renews, on its own clock, everything the user's logs still reference (heads, entries since the
/// last snapshot, every filed message's manifest and blocks) and republishes the certificate and presence. Whatever
/// the logs no longer reference (expunged messages, old entries) is simply not renewed and expires.
/// </summary>
public sealed partial class UserAgent
{
    private readonly ConcurrentDictionary<RingId, RingId[]> _messageBlocks = new();
    private long _renewed;
    private bool _renewing;
    private readonly List<IActorRef> _renewWaiters = [];

    private void LeaseCommands()
    {
        Command<RenewTick>(_ => StartRenewal(null));
        Command<RenewNow>(_ => StartRenewal(Sender));
        Command<RenewalDone>(done =>
        {
            _renewing = false;
            _renewed = done.Renewed;
            if (done.Failed > 0) _log.Info("Lease renewal for {0}: {1} renewed, {2} not held by enough replicas", _keys.Certificate.Address, done.Renewed, done.Failed);
            foreach (var waiter in _renewWaiters) waiter.Tell(AgentDone.Instance);
            _renewWaiters.Clear();
        });
        Command<PresenceTick>(_ => PublishPresence());
        Command<PresencePublished>(_ => { });
        // A failed write is tried again after sync-retry, not only at the next presence interval.
        Command<PresenceFailed>(_ => Timers.StartSingleTimer("presence-retry", new PresenceTick(), Settings.SyncRetry));
    }

    private void StartRenewal(IActorRef? waiter)
    {
        if (waiter is not null) _renewWaiters.Add(waiter);
        if (_renewing) return;
        _renewing = true;
        var (heads, entries, messages) = Referenced();
        RenewAsync([.. heads, .. entries], messages).PipeTo(Self);
        PublishCertificate();
    }

    /// <summary>
    /// What the mailbox still references, and so what renewal and archiving keep: the head of every live log (the
    /// root and each folder the root names), its entries since its last snapshot, and every filed message.
    /// </summary>
    private (List<RingId> Heads, List<RingId> Entries, List<MessageRef> Messages) Referenced()
    {
        var live = _books.Values.Where(b => b.Label == LogHead.RootLabel || FolderNameOf(b.Label) is not null).ToList();
        var heads = live.Select(b => LogHead.IdOf(_keys, b.Label)).ToList();
        var entries = live.SelectMany(b => b.LiveBlocks()).ToList();
        var messages = live.Select(b => b.State).OfType<FolderLogState>().SelectMany(s => s.Messages).Select(m => m.Ref).Distinct().ToList();
        // A degraded folder's entries and messages are kept too: the part that verifies must not expire while the rest is looked for.
        heads.AddRange(_degraded.Keys.Select(label => LogHead.IdOf(_keys, label)));
        entries.AddRange(_degraded.Values.SelectMany(d => d.Entries));
        messages = [.. messages.Union(_degraded.Values.SelectMany(d => d.State.Messages).Select(m => m.Ref))];
        return (heads, entries, messages);
    }

    private async Task<RenewalDone> RenewAsync(List<RingId> logObjects, List<MessageRef> messages)
    {
        long renewed = 0, failed = 0;
        var ring = _services.Ring;
        var options = new ParallelOptions { MaxDegreeOfParallelism = Settings.Parallelism };
        async ValueTask Renew(RingId id, Storage.Leases.LeaseDuration lease)
        {
            try
            {
                if (await ring.RenewAsync(id, lease).ConfigureAwait(false)) Interlocked.Increment(ref renewed);
                else Interlocked.Increment(ref failed);
            }
            catch (Exception)
            {
                Interlocked.Increment(ref failed);
            }
        }
        await Parallel.ForEachAsync(logObjects, options, (id, _) => Renew(id, Settings.LogLease)).ConfigureAwait(false);
        await Parallel.ForEachAsync(messages, options, async (message, _) =>
        {
            var manifestId = RingId.FromBytes(message.ManifestId);
            await Renew(manifestId, Settings.MessageLease).ConfigureAwait(false);
            // An unreadable manifest already counts as failed above; its blocks are renewed once it is readable again.
            foreach (var block in await BlocksOfAsync(message).ConfigureAwait(false) ?? []) await Renew(block, Settings.MessageLease).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return new RenewalDone(renewed, failed);
    }

    /// <summary>The content blocks a message's manifest names (cached: a manifest never changes), or null when the manifest cannot be read now.</summary>
    private async Task<RingId[]?> BlocksOfAsync(MessageRef message)
    {
        var manifestId = RingId.FromBytes(message.ManifestId);
        if (_messageBlocks.TryGetValue(manifestId, out var known)) return known;
        try
        {
            var ciphertext = await _services.Ring.ReadBlockAsync(manifestId).ConfigureAwait(false);
            var manifest = MessageManifest.Decode(ConvergentEncryption.Decrypt(manifestId, message.Key, ciphertext));
            var blocks = manifest.Segments.Where(s => s.IsBlock).Select(s => s.BlockId).Distinct().ToArray();
            _messageBlocks[manifestId] = blocks;
            return blocks;
        }
        catch (Exception)
        {
            // Not "no blocks": the caller must know it does not know (archiving reports the manifest as missing).
            return null;
        }
    }

    private void PublishCertificate()
    {
        var certificates = _services.Certificates;
        var certificate = _keys.Certificate;
        var lease = Settings.CertificateLease;
        var log = _log;
        certificates.PublishAsync(certificate, lease).ContinueWith(t =>
        {
            if (t.IsFaulted) log.Info("Publishing the certificate of {0} failed ({1}); the next renewal tries again", certificate.Address, t.Exception?.GetBaseException().Message);
        }, TaskScheduler.Default);
    }

    /// <summary>
    /// Adds this node to the user's presence list (or renews it when it is listed as it is). Another device writing
    /// the list at the same time makes the replicas refuse one of the two versions: that writer reads again and
    /// retries after sync-retry, so neither device's entry overwrites the other's.
    /// </summary>
    private void PublishPresence()
    {
        var ring = _services.Ring;
        var overlay = _services.Overlay;
        var keys = _keys;
        var lease = Settings.PresenceLease;
        var timeout = Settings.RequestTimeout;
        Task.Run(async () =>
        {
            try
            {
                var status = await overlay.Ask<NodeStatus>(GetNodeStatus.Instance, timeout).ConfigureAwait(false);
                var id = Presence.IdOf(keys.Signing.PublicKey);
                var current = await ring.LookupAsync(id, newest: true).ConfigureAwait(false) as SignedObject;
                if (Presence.Joined(Presence.Read(current, keys.Signing.PublicKey), status.Self) is not { } nodes)
                {
                    await ring.RenewAsync(id, lease).ConfigureAwait(false);
                    return (object)PresencePublished.Instance;
                }
                await ring.InsertAsync(Presence.Create(keys, nodes, (current?.Version ?? 0) + 1), lease).ConfigureAwait(false);
                return PresencePublished.Instance;
            }
            catch (Exception)
            {
                // Presence is a hint; a conflicting write of another device, or a ring that did not answer: read and try again soon.
                return PresenceFailed.Instance;
            }
        }).PipeTo(Self);
    }

    private sealed record PresencePublished
    {
        public static readonly PresencePublished Instance = new();
    }

    private sealed record PresenceFailed
    {
        public static readonly PresenceFailed Instance = new();
    }

    private sealed record RenewalDone(long Renewed, long Failed);
}
