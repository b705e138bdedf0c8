using Akka.Actor;
using Akka.Event;
using ePost.Core.Ids;
using ePost.Post.Delivery;
using ePost.Post.Logs;
using ePost.Post.Ring;
using ePost.Post.Wire;
using ePost.Storage.Objects;

namespace ePost.Post.Mailbox;

/// <summary>
/// Collecting notifications: list the ring's arc of this user's notifications (or take a sender's hint), open and
/// verify each, file it into INBOX unless its delivery id is already filed, then withdraw it with a signed receipt.
/// </summary>
/// <remarks>
/// Filing is a log record persisted before the withdrawal is sent, and INBOX's state keeps every delivery id it filed;
/// so a crash between the two, a lost withdrawal, or a sender's retry all end in one copy in INBOX.
/// </remarks>
public sealed partial class UserAgent
{
    /// <summary>Notifications listed per page.</summary>
    private const int CollectBatch = 500;

    /// <summary>Pages one collection round reads at most; the next round starts again from the arc's start.</summary>
    private const int CollectPages = 40;

    private readonly HashSet<RingId> _handled = new();
    private bool _collecting;
    private bool _collectAgain;
    private long _filed;
    private long _duplicates;
    private long _rejected;
    private long _postponed;

    private void DeliveryCommands()
    {
        Command<CollectNotifications>(collect => StartCollecting(collect.Hint));
        Command<Collected>(OnCollected);
        Command<Withdrawn>(withdrawn =>
        {
            if (withdrawn.Ok) _handled.Add(withdrawn.Id);
        });
        Command<Mail.Backend.DeliveryConfirmationTaken>(taken =>
        {
            // The mail side has the confirmation on disk: the receipt has done its work and leaves the ring.
            if (taken.Token is RingId id && _receiptsTold.Remove(id, out var receipt)) WithdrawAsync(receipt).PipeTo(Self);
        });
    }

    /// <summary>Receipts published to the mail side and not yet answered, by notification id (each round tells them again).</summary>
    private readonly Dictionary<RingId, NotificationObject> _receiptsTold = new();

    private readonly HashSet<RingId> _hints = new();

    /// <summary>
    /// A sender's hint is collected at once, by itself: one lookup, no listing. Timer rounds list the whole arc and
    /// catch everything else (mail sent while this node was down, lost hints).
    /// </summary>
    private void StartCollecting(RingId? hint)
    {
        if (hint is { } h) _hints.Add(h);
        else _collectAgain = true;
        if (_collecting) return;
        var list = _collectAgain;
        _collectAgain = false;
        var hinted = _hints.ToHashSet();
        _hints.Clear();
        _collecting = true;
        var handled = _handled.ToHashSet();
        var ring = _services.Ring;
        var certificates = _services.Certificates;
        var nodeCheck = _services.NodeCheck;
        var keys = _keys;
        var parallelism = Settings.Parallelism;
        Task.Run(async () =>
        {
            var results = new List<object>();
            var (first, last) = NotificationObject.ArcOf(keys.Certificate.UserId);
            var ids = new List<RingId>(hinted);
            var complete = false;
            var retry = false;
            var more = false;
            if (list)
            {
                try
                {
                    // Page through the whole arc (withdrawn notifications are not listed): however many wait, every one is reached.
                    RingId? after = null;
                    complete = true;
                    for (var page = 0; page < CollectPages; page++)
                    {
                        var listing = await ring.ListArcAsync(first, last, CollectBatch, after: after).ConfigureAwait(false);
                        ids.AddRange(listing.Ids);
                        complete &= listing.Complete;
                        retry |= !listing.Complete;
                        after = listing.Next;
                        if (after is null) break;
                    }
                    // More pages than one round reads: list the rest at once, not a collect interval later.
                    more = after is not null;
                    complete &= after is null;
                }
                catch (Exception)
                {
                    // The hints alone are still worth trying; the ring could not answer now, so list again soon.
                    retry = true;
                }
            }
            // The lookups of one round run side by side (parallelism at once): a node that comes back to a thousand
            // waiting notifications, or a burst of hints, should not wait for them one round trip at a time.
            var options = new ParallelOptions { MaxDegreeOfParallelism = parallelism };
            await Parallel.ForEachAsync(ids.Distinct().Where(id => !handled.Contains(id)), options, async (id, _) =>
            {
                object? result = null;
                try
                {
                    // A hint is fresh: any copy will do. Listed ids may be withdrawn on some replicas: ask them all.
                    var newest = !hinted.Contains(id);
                    if (await ring.LookupAsync(id, newest).ConfigureAwait(false) is not NotificationObject found) return;
                    result = found.IsWithdrawn ? new Withdrawn(id, true) : await OpenAsync(found, keys, certificates, nodeCheck).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // Unreachable replicas: the notification stays where it is and the next round tries again.
                }
                if (result is not null)
                    lock (results) results.Add(result);
            }).ConfigureAwait(false);
            return new Collected(results, complete ? ids.ToHashSet() : null, retry, more);
        }).PipeTo(Self);
    }

    private static async Task<object> OpenAsync(NotificationObject found, Core.Crypto.UserKeys keys, Identity.CertificateDirectory certificates,
        Func<Core.Crypto.NodeCertificate, Core.Crypto.NodeCertificateVerdict> nodeCheck)
    {
        OpenedNotification opened;
        try
        {
            opened = Notification.Open(found.Body.Span, keys);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or FormatException)
        {
            // Not a notification: perhaps a receipt for mail this user sent (sealed under its own domain).
            return await OpenReceiptAsync(found, keys, certificates).ConfigureAwait(false) ?? new Undeliverable(found, "it does not open with this user's key: " + e.Message);
        }
        // Mail from outside the ring is vouched for by the certified node that received it, never by a ring user.
        if (opened.Notification.IsGateway)
            return opened.VerifyGateway(nodeCheck, out var why) ? new Deliverable(found, opened.Notification) : new Undeliverable(found, "gateway mail: " + why);
        var sender = await certificates.FindAsync(opened.Notification.Sender).ConfigureAwait(false);
        if (sender is null || !opened.VerifySender(sender))
        {
            // A sender may have a newer certificate than the one cached.
            sender = await certificates.FindAsync(opened.Notification.Sender, refresh: true).ConfigureAwait(false);
            // No certificate yet is not a forgery: a node that restarts delivers its spool before its user's
            // certificate is (re)published, and refusing then would withdraw mail the sender was told is delivered.
            // The notification stays in the ring and the next round tries again, until its lease ends.
            if (sender is null) return new SenderUnknown(found.Id, opened.Notification.Sender);
            if (!opened.VerifySender(sender))
                return new Undeliverable(found, $"it is not signed by {opened.Notification.Sender}'s certified key");
        }
        return new Deliverable(found, opened.Notification) { SenderCertificate = sender };
    }

    /// <summary>A receipt whose signature is the certified key of the recipient it names, else null (not a receipt) or a refusal.</summary>
    private static async Task<object?> OpenReceiptAsync(NotificationObject found, Core.Crypto.UserKeys keys, Identity.CertificateDirectory certificates)
    {
        OpenedReceipt opened;
        try
        {
            opened = Receipt.Open(found.Body.Span, keys);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or FormatException)
        {
            return null;
        }
        var recipient = opened.Receipt.Recipient;
        var certificate = await certificates.FindAsync(recipient).ConfigureAwait(false);
        if (certificate is null || !opened.VerifyRecipient(certificate)) certificate = await certificates.FindAsync(recipient, refresh: true).ConfigureAwait(false);
        if (certificate is null) return new SenderUnknown(found.Id, recipient);
        // Never a claim on its own word: a receipt not signed by the recipient's certified key confirms nothing.
        if (!opened.VerifyRecipient(certificate)) return new Undeliverable(found, $"a receipt not signed by {recipient}'s certified key");
        return new ReceiptArrived(found, opened.Receipt);
    }

    private void OnCollected(Collected collected)
    {
        if (collected.Listed is { } listed) _handled.IntersectWith(listed);
        if (RootState.FolderIdOf(FolderNames.Inbox) is not { } inboxId || !_books.TryGetValue(LogHead.FolderLabel(inboxId), out var inbox)
            || inbox.State is not FolderLogState)
        {
            // INBOX is still being loaded from the ring: file nothing now; the next round finds the same notifications.
            _collecting = false;
            return;
        }
        var events = new List<LogAppended>();
        var withdraw = new List<NotificationObject>();
        var receipts = new List<Deliverable>();
        var filedHere = new HashSet<string>(StringComparer.Ordinal);
        foreach (var result in collected.Results)
        {
            switch (result)
            {
                case Withdrawn done:
                    _handled.Add(done.Id);
                    break;
                case SenderUnknown unknown:
                    _postponed++;
                    _log.Info("A notification for {0} from {1} waits: the ring has no certificate of its sender yet", _keys.Certificate.Address, unknown.Sender);
                    break;
                case Undeliverable bad:
                    _rejected++;
                    _log.Warning("Refused a notification for {0}: {1}", _keys.Certificate.Address, bad.Reason);
                    _handled.Add(bad.Notification.Id);
                    if (bad.Notification.RecipientKey.Span.SequenceEqual(_keys.Signing.PublicKey)) withdraw.Add(bad.Notification);
                    break;
                case Deliverable good:
                    var note = good.Notification;
                    var current = (FolderLogState)inbox.State!;
                    if (current.DeliveredIds.Contains(note.DeliveryId) || !filedHere.Add(note.DeliveryId))
                    {
                        _duplicates++;
                    }
                    else
                    {
                        var now = _services.Clock.GetUtcNow().ToUnixTimeMilliseconds();
                        var reference = new MessageRef(note.ManifestId.ToBytes(), note.ManifestKey);
                        events.Add(Append(inbox, new MessageInserted(current.UidNext, [], now, note.Size, reference, note.DeliveryId, now)));
                        SnapshotIfDue(inbox, events);
                        _filed++;
                    }
                    // Filed now or before: either way the sender may hear of it, and a receipt lost in a crash is sent again.
                    if (good.SenderCertificate is not null) receipts.Add(good);
                    else withdraw.Add(good.Found);
                    break;
                case ReceiptArrived arrived:
                    _receiptsTold[arrived.Found.Id] = arrived.Found;
                    Context.System.EventStream.Publish(new Mail.Backend.DeliveryConfirmed(_keys.Certificate.Address, arrived.Receipt.DeliveryId,
                        arrived.Receipt.Recipient, arrived.Receipt.FiledAt, Self, arrived.Found.Id));
                    break;
            }
        }
        Commit(events, () =>
        {
            // Withdraw only once the filing is durable here: a crash in between files nothing twice (the id is kept).
            foreach (var notification in withdraw) WithdrawAsync(notification).PipeTo(Self);
            var filedAt = _services.Clock.GetUtcNow();
            foreach (var good in receipts) ReceiptThenWithdrawAsync(good, filedAt).PipeTo(Self);
            _collecting = false;
            if (collected.More) _collectAgain = true;
            // A listing the ring could not complete (a node that has only just come back, replicas that did not
            // answer) is tried again after sync-retry, not only at the next collect interval.
            else if (collected.RetrySoon) Timers.StartSingleTimer("collect-retry", new CollectNotifications(null), Settings.SyncRetry);
            if (_collectAgain) StartCollecting(null);
            else if (_hints.Count > 0) StartCollecting(_hints.First());
        });
    }

    private async Task<Withdrawn> WithdrawAsync(NotificationObject notification)
    {
        try
        {
            await _services.Ring.InsertAsync(notification.Withdraw(_keys.Signing), Settings.NotificationLease).ConfigureAwait(false);
            return new Withdrawn(notification.Id, true);
        }
        catch (Exception)
        {
            return new Withdrawn(notification.Id, false);
        }
    }

    /// <summary>
    /// Leaves a signed receipt for the sender, then withdraws the notification. A receipt the ring did not take leaves
    /// the notification in place, so the next round (a duplicate by then) sends the receipt again.
    /// </summary>
    private async Task<Withdrawn> ReceiptThenWithdrawAsync(Deliverable good, DateTimeOffset filedAt)
    {
        var note = good.Notification;
        try
        {
            var receipt = new Receipt(note.DeliveryId, note.Sender, _keys.Certificate.Address, good.Found.Id, filedAt)
                .Seal(_keys, good.SenderCertificate!, System.Security.Cryptography.RandomNumberGenerator.Create());
            await _services.Sender.DepositAsync(good.SenderCertificate!, receipt).ConfigureAwait(false);
        }
        catch (RingException e) when (e.Refusal != RefusalReason.None)
        {
            // The replicas refused the receipt itself (the sender's arc holds as many from this node as it may): asking
            // again every round would not change that, so the mail is withdrawn and the sender simply hears nothing.
            _log.Info("The receipt to {0} for delivery {1} was refused ({2}); the sender will not see it", note.Sender, note.DeliveryId, e.Refusal);
        }
        catch (Exception)
        {
            return new Withdrawn(good.Found.Id, false);
        }
        return await WithdrawAsync(good.Found).ConfigureAwait(false);
    }

    private sealed record Collected(IReadOnlyList<object> Results, HashSet<RingId>? Listed, bool RetrySoon, bool More);

    private sealed record Deliverable(NotificationObject Found, Notification Notification)
    {
        /// <summary>The verified sender's certificate; null for gateway mail, which gets no receipt.</summary>
        public Core.Crypto.UserCertificate? SenderCertificate { get; init; }
    }

    private sealed record ReceiptArrived(NotificationObject Found, Receipt Receipt);

    private sealed record Undeliverable(NotificationObject Notification, string Reason);

    private sealed record SenderUnknown(RingId Id, string Sender);

    private sealed record Withdrawn(RingId Id, bool Ok);
}
