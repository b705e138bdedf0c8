using Akka.Actor;
using ePost.Mail.Backend;
using ePost.Mail.Dsn;
using MimeKit;

namespace ePost.Mail.Delivery;

/// <summary>
/// Acts on verified receipts for mail local users sent to ring users: marks the client's Sent copy (found by
/// Message-ID) with <see cref="DeliveredKeyword"/> once every ring recipient of the message has filed it, and, for
/// recipients given with NOTIFY=SUCCESS, spools a success DSN to the sender, which reaches its INBOX like a bounce.
/// One confirmation at a time, so a DSN is spooled once however often POST repeats a receipt.
/// </summary>
public sealed class ReceiptDesk(DeliverySettings settings, ReceiptBook book, ISubmissionSpool spool, IMailStore? store, ITimeProvider clock)
{
    /// <summary>The keyword a Sent copy gets once delivered (the time is in the DSN and the node's log; see docs/decisions.md).</summary>
    public const string DeliveredKeyword = "$Delivered";

    /// <summary>How long a record waits for its receipt: as long as the notification can wait in the ring for its recipient.</summary>
    public static readonly TimeSpan ReceiptWait = TimeSpan.FromDays(30);

    /// <summary>
    /// How much longer than <see cref="ReceiptWait"/> (counted from sending, by this node's clock: the filing time is the
    /// recipient's and is never compared with ours) a confirmed record looks for its Sent copy, which a client may
    /// append late, or never.
    /// </summary>
    public static readonly TimeSpan SentCopyWait = TimeSpan.FromDays(1);

    /// <summary>Newest messages of a Sent folder searched for the copy.</summary>
    public const int SentCopySearch = 50;

    private readonly SemaphoreSlim gate = new(1, 1);

    /// <summary>
    /// Takes a confirmation: durably notes it and acts on it. Returns a note for the log when it confirmed nothing,
    /// suspicious when the receipt came from someone the delivery did not go to.
    /// </summary>
    public async Task<(string Text, bool Suspicious)?> ConfirmAsync(DeliveryConfirmed confirmed, CancellationToken cancellation)
    {
        await gate.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            var record = book.Find(confirmed.DeliveryId);
            if (record is null) return ($"a receipt for delivery {Short(confirmed.DeliveryId)}, which this node does not await (any more)", false);
            // The signature proved who signed; only the recipient this delivery went to can confirm it.
            if (!string.Equals(record.Sender, confirmed.Sender, StringComparison.OrdinalIgnoreCase)
                || !string.Equals(record.Recipient, confirmed.Recipient, StringComparison.OrdinalIgnoreCase))
                return ($"a receipt from {confirmed.Recipient} for delivery {Short(confirmed.DeliveryId)}, which went to {record.Recipient}", true);
            if (record.FiledAt is null)
            {
                record = record with { FiledAt = confirmed.FiledAt };
                book.Write(record);
            }
            await FinishAsync(record, cancellation).ConfigureAwait(false);
            return null;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Periodic: acts again on confirmed records whose Sent copy was not there yet, and drops expired ones.</summary>
    public async Task ReviewAsync(CancellationToken cancellation)
    {
        await gate.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            var now = clock.Now;
            foreach (var record in book.List())
            {
                if (record.FiledAt is null)
                {
                    if (now - record.CreatedAt > ReceiptWait) book.Remove(record.DeliveryId);
                }
                else if (!await FinishAsync(record, cancellation).ConfigureAwait(false) && now - record.CreatedAt > ReceiptWait + SentCopyWait)
                {
                    book.Remove(record.DeliveryId);
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The Message-ID of a message (without angle brackets), or null.</summary>
    public static string? MessageIdOf(ReadOnlyMemory<byte> message)
    {
        try
        {
            using var stream = new MemoryStream(message.ToArray(), writable: false);
            var headers = HeaderList.Load(stream);
            return headers[HeaderId.MessageId] is { } value ? MimeKit.Utils.MimeUtils.EnumerateReferences(value).FirstOrDefault() : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private async Task<bool> FinishAsync(AwaitedReceipt record, CancellationToken cancellation)
    {
        if (record.WantsReport && !record.ReportSpooled)
        {
            await spool.AcceptAsync(new SpoolEnvelope("", [record.Sender], null, "127.0.0.1", clock.Now), Report(record), cancellation).ConfigureAwait(false);
            record = record with { ReportSpooled = true };
            book.Write(record);
        }
        // The Sent copy is one message for all recipients: delivered once every ring recipient's node has filed it.
        if (book.List().Any(r => r.SpoolId == record.SpoolId && r.FiledAt is null)) return false;
        if (store is not null && record.MessageId is not null && !await MarkSentCopyAsync(record, cancellation).ConfigureAwait(false)) return false;
        book.Remove(record.DeliveryId);
        return true;
    }

    private byte[] Report(AwaitedReceipt record)
    {
        var message = new ReportedMessage(record.Sender, record.SpoolId, record.ArrivalDate, record.EnvelopeId, DsnReturn.Headers);
        var recipient = new ReportedRecipient(record.Recipient, DsnAction.Delivered, "2.0.0", "smtp; 250 2.0.0 Filed by the recipient's node (signed receipt)",
            null, record.FiledAt, record.OriginalRecipient);
        return DeliveryStatusReport.Build(settings.HostName, message, record.Headers, [recipient], clock.Now);
    }

    private async Task<bool> MarkSentCopyAsync(AwaitedReceipt record, CancellationToken cancellation)
    {
        var user = new MailUser(record.UserName, record.Sender);
        var folders = await store!.ListFoldersAsync(user, cancellation).ConfigureAwait(false);
        foreach (var folder in folders.Where(f => f.SpecialUse.Contains("\\Sent", StringComparer.OrdinalIgnoreCase)
                                                  || string.Equals(f.Name, "Sent", StringComparison.OrdinalIgnoreCase)))
        {
            var state = await store.ReadFolderAsync(user, folder.Name, cancellation).ConfigureAwait(false);
            foreach (var message in state.Messages.Reverse().Take(SentCopySearch))
            {
                var bytes = await store.ReadMessageAsync(user, folder.Name, message.Uid, cancellation).ConfigureAwait(false);
                if (bytes is null || MessageIdOf(bytes) != record.MessageId) continue;
                if (!message.Flags.Contains(DeliveredKeyword, StringComparer.OrdinalIgnoreCase))
                    await store.StoreFlagsAsync(user, folder.Name, [message.Uid], FlagChange.Add, [DeliveredKeyword], cancellation).ConfigureAwait(false);
                return true;
            }
        }
        return false;
    }

    private static string Short(string id) => id.Length > 12 ? id[..12] : id;
}
