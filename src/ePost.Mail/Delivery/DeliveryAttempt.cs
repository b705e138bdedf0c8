using System.Text;
using Akka.Actor;
using ePost.Core.Hashing;
using ePost.Mail.Backend;
using ePost.Mail.Dsn;
using ePost.Mail.Spool;

namespace ePost.Mail.Delivery;

/// <summary>
/// One delivery attempt of one spooled message: every recipient not yet finished is tried (ring users through POST,
/// others through the relay), the outcome is recorded durably in the spool, failures are bounced, and the message
/// leaves the spool once every recipient is finished. Runs off the agent's thread; one attempt per message at a time.
/// </summary>
internal sealed class DeliveryAttempt(DeliverySettings settings, FileSpool spool, IMailUserDirectory directory, IRingDelivery ring, SmtpRelay relay, ITimeProvider clock,
    ReceiptBook receipts)
{
    /// <summary>The POST delivery id of a recipient of a spooled message: the same on every retry, even after a crash.</summary>
    public static string DeliveryId(string spoolId, string recipient) =>
        Sha256.HashHex(Encoding.UTF8.GetBytes(spoolId + "\n" + recipient.ToLowerInvariant()));

    /// <summary>Runs the attempt and reports what happened.</summary>
    public async Task<DeliveryReport> RunAsync(SpooledMessage message, CancellationToken cancellation)
    {
        if (!spool.IsPending(message.Id)) return new DeliveryReport(message.Id, [], Completed: true, null, null);
        var progress = spool.ReadProgress(message.Id);
        var envelope = message.Envelope;
        var todo = envelope.Recipients.Where(r => !progress.IsDone(r)).ToList();
        var outcomes = new List<RecipientOutcome>();

        byte[]? bytes;
        try
        {
            bytes = spool.Read(message);
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException)
        {
            // The spooled copy is damaged or gone: nothing can be delivered, but the sender must hear of it.
            bytes = null;
            outcomes.AddRange(todo.Select(r => new RecipientOutcome(r, DeliveryResult.Permanent, $"554 5.3.0 Spooled copy of the message is damaged: {e.Message}")));
        }

        if (bytes is not null)
        {
            var foreign = new List<string>();
            foreach (var recipient in todo)
            {
                var outcome = await RouteAsync(envelope, recipient, bytes, foreign, message.Id, cancellation);
                if (outcome is not null) outcomes.Add(outcome);
            }
            // Ring deliveries are recorded before the relay is tried, so a crash there does not make POST redo them
            // (harmless, as they are idempotent, but wasted work). Only deliveries: a failure is recorded once its
            // bounce is spooled, below.
            if (outcomes.Any(o => o.Result == DeliveryResult.Delivered)) RecordDeliveries(message.Id, progress, outcomes);
            if (foreign.Count > 0)
            {
                var relayed = await relay.SendAsync(envelope, foreign, bytes, cancellation);
                outcomes.AddRange(relayed);
                await ReportRelayedAsync(message, bytes, relayed, cancellation);
                // The relay said 250: recorded at once, as a second send could not be taken back.
                if (relayed.Any(o => o.Result == DeliveryResult.Delivered)) RecordDeliveries(message.Id, progress, outcomes);
            }
        }

        var now = clock.Now;
        if (RetrySchedule.Expired(settings, envelope.ReceivedAt, now))
        {
            outcomes = outcomes.Select(o => o.Result != DeliveryResult.Temporary ? o
                : o with { Result = DeliveryResult.Permanent, Reply = $"554 5.4.7 Delivery time expired; last error: {o.Reply}" }).ToList();
        }

        // NOTIFY (RFC 3461): a recipient given without FAILURE (NEVER, or only SUCCESS or DELAY) is not reported on.
        var failed = outcomes.Where(o => o.Result == DeliveryResult.Permanent && envelope.DsnFor(o.Recipient).WantsFailure).ToList();
        string? bounceId = null;
        // Never a bounce for a bounce (RFC 5321 §6.1, RFC 3464 §2): a null sender gets nothing back.
        if (failed.Count > 0 && envelope.Sender.Length > 0)
        {
            var report = BuildBounce(message, bytes, failed, now);
            // The bounce is durable before the failures are recorded: a crash in between sends it twice, never not at all.
            if (report is not null) bounceId = await spool.AcceptAsync(new SpoolEnvelope("", [envelope.Sender], null, "127.0.0.1", now), report, cancellation);
        }

        var attempts = progress.Attempts + 1;
        var next = RetrySchedule.NextAttempt(settings, envelope.ReceivedAt, attempts, now);
        var updated = Apply(progress, outcomes, next, attempts);
        if (envelope.Recipients.All(updated.IsDone))
        {
            spool.MarkDelivered(message.Id);
            return new DeliveryReport(message.Id, outcomes, Completed: true, null, bounceId);
        }
        spool.RecordProgress(message.Id, updated);
        return new DeliveryReport(message.Id, outcomes, Completed: false, next, bounceId);
    }

    /// <summary>
    /// RFC 3461 §6.2.1: a recipient that asked for SUCCESS and was handed to a relay that does not take DSN requests
    /// on gets a "relayed" report, since nobody downstream will report its delivery.
    /// </summary>
    private async Task ReportRelayedAsync(SpooledMessage message, byte[] bytes, IReadOnlyList<RecipientOutcome> relayed, CancellationToken cancellation)
    {
        var envelope = message.Envelope;
        var silent = relayed.Where(o => o is { Result: DeliveryResult.Delivered, ReportsFurther: false } && envelope.DsnFor(o.Recipient).WantsSuccess).ToList();
        if (silent.Count == 0 || envelope.Sender.Length == 0) return;
        var now = clock.Now;
        var subject = new ReportedMessage(envelope.Sender, message.Id, envelope.ReceivedAt, envelope.EnvelopeId, DsnReturn.Headers);
        var recipients = silent.Select(o => new ReportedRecipient(o.Recipient, DsnAction.Relayed, "2.0.0", "smtp; " + o.Reply, o.RemoteMta, now,
            envelope.DsnFor(o.Recipient).OriginalRecipient)).ToList();
        await spool.AcceptAsync(new SpoolEnvelope("", [envelope.Sender], null, "127.0.0.1", now),
            DeliveryStatusReport.Build(settings.HostName, subject, bytes, recipients, now), cancellation);
    }

    private byte[]? BuildBounce(SpooledMessage message, byte[]? bytes, IReadOnlyList<RecipientOutcome> failed, DateTimeOffset now)
    {
        try
        {
            return DeliveryStatusReport.Build(settings.HostName, message, bytes, failed, now);
        }
        catch (Exception e) when (e is MimeKit.ParseException or ArgumentException or FormatException)
        {
            // A sender MimeKit cannot put in a To header: without this the attempt would fail the same way forever.
            // The failures are still recorded, so the message leaves the spool; the sender simply gets no bounce.
            return null;
        }
    }

    private async Task<RecipientOutcome?> RouteAsync(SpoolEnvelope envelope, string recipient, byte[] bytes, List<string> foreign, string spoolId,
        CancellationToken cancellation)
    {
        AddressKind kind;
        try
        {
            // Classified again now, not trusted from acceptance time: the user may have left the ring since.
            kind = await directory.ClassifyAsync(recipient, cancellation);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellation.IsCancellationRequested)
        {
            return new RecipientOutcome(recipient, DeliveryResult.Temporary, $"451 4.4.3 Cannot look up the recipient: {e.Message}");
        }
        switch (kind)
        {
            case AddressKind.LocalUser or AddressKind.RingUser:
                return await DeliverToRingAsync(envelope, recipient, bytes, spoolId, cancellation);
            case AddressKind.UnknownInRingDomain:
                return new RecipientOutcome(recipient, DeliveryResult.Permanent, "550 5.1.1 No such user in the ring");
            case AddressKind.Foreign when envelope.AuthenticatedUser is null && envelope.Sender.Length > 0:
                // Only a logged-in user's mail, or this node's own bounces, leave the ring: the spool is no back door to an open relay.
                return new RecipientOutcome(recipient, DeliveryResult.Permanent, "550 5.7.1 Relaying denied: the message was not submitted by a user of this node");
            default:
                foreign.Add(recipient);
                return null;
        }
    }

    private async Task<RecipientOutcome> DeliverToRingAsync(SpoolEnvelope envelope, string recipient, byte[] bytes, string spoolId, CancellationToken cancellation)
    {
        var deliveryId = DeliveryId(spoolId, recipient);
        var signed = envelope.AuthenticatedUser is not null && envelope.Sender.Length > 0;
        try
        {
            // Only a logged-in user's submission is sent in a user's name; the rest the node vouches for as gateway.
            if (signed)
            {
                // The record is durable before POST has the message, so the recipient's receipt always finds it.
                if (receipts.Find(deliveryId) is null) receipts.Write(Awaited(envelope, recipient, bytes, spoolId, deliveryId));
                await ring.DeliverAsync(deliveryId, envelope.Sender, recipient, bytes, cancellation);
            }
            else await ring.DeliverFromGatewayAsync(deliveryId, envelope.Sender, recipient, bytes, cancellation);
            return new RecipientOutcome(recipient, DeliveryResult.Delivered, "250 2.0.0 Delivered through POST");
        }
        catch (MailDeliveryException e) when (e.Permanent)
        {
            if (signed) receipts.Remove(deliveryId);
            return new RecipientOutcome(recipient, DeliveryResult.Permanent, $"550 5.0.0 {e.Message}");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellation.IsCancellationRequested)
        {
            // Anything else POST throws (the ring out of reach, a timeout) is worth another try.
            return new RecipientOutcome(recipient, DeliveryResult.Temporary, $"451 4.0.0 {e.Message}");
        }
    }

    private AwaitedReceipt Awaited(SpoolEnvelope envelope, string recipient, byte[] bytes, string spoolId, string deliveryId)
    {
        var dsn = envelope.DsnFor(recipient);
        return new AwaitedReceipt(deliveryId, spoolId, envelope.Sender, envelope.AuthenticatedUser!, recipient, ReceiptDesk.MessageIdOf(bytes), envelope.ReceivedAt, clock.Now)
        {
            WantsReport = dsn.WantsSuccess,
            EnvelopeId = envelope.EnvelopeId,
            OriginalRecipient = dsn.OriginalRecipient,
            Headers = dsn.WantsSuccess ? DeliveryStatusReport.HeadersOf(bytes) : null,
        };
    }

    private void RecordDeliveries(string id, DeliveryProgress progress, IEnumerable<RecipientOutcome> outcomes) =>
        spool.RecordProgress(id, Apply(progress, outcomes.Where(o => o.Result == DeliveryResult.Delivered).ToList(), progress.NextAttemptAt, progress.Attempts));

    private static DeliveryProgress Apply(DeliveryProgress progress, IReadOnlyList<RecipientOutcome> outcomes, DateTimeOffset? next, int attempts)
    {
        var done = progress.Done.ToList();
        var errors = new Dictionary<string, string>(progress.LastErrors, StringComparer.OrdinalIgnoreCase);
        foreach (var outcome in outcomes)
        {
            if (outcome.Result == DeliveryResult.Temporary)
            {
                errors[outcome.Recipient] = outcome.Reply;
                continue;
            }
            errors.Remove(outcome.Recipient);
            if (!done.Any(d => string.Equals(d.Recipient, outcome.Recipient, StringComparison.OrdinalIgnoreCase)))
                done.Add(new RecipientProgress(outcome.Recipient, outcome.Result == DeliveryResult.Delivered, outcome.Reply));
        }
        return new DeliveryProgress(attempts, next, done, errors);
    }
}
