using ePost.Mail.Backend;
using ePost.Mail.Dsn;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ePost.Mail.Delivery;

/// <summary>
/// Sends a message to recipients outside the ring through the configured relay with MailKit's SMTP client: one
/// connection and one transaction per call, each recipient's RCPT reply kept apart so one refused address does not
/// hold back the others.
/// </summary>
internal sealed class SmtpRelay(DeliverySettings settings)
{
    private RelaySettings Relay => settings.Relay;

    /// <summary>Relays <paramref name="message"/> (exact bytes) and returns one outcome per recipient; never throws for a relay failure.</summary>
    /// <remarks>
    /// With <paramref name="requireTls"/> (RFC 8689) the relay must be reached over TLS (STARTTLS or implicit, never
    /// opportunistic or plain) with a certificate MailKit verifies, and must offer REQUIRETLS itself; otherwise the
    /// message is refused for good with 5.7.30 rather than sent where it could travel in clear.
    /// </remarks>
    /// <remarks>
    /// The DSN requests of RFC 3461 (RET, ENVID, each recipient's NOTIFY and ORCPT) go on to a relay that offers DSN;
    /// the outcomes say which recipients' reports the relay has thereby taken over. ORCPT goes on as MailKit writes it
    /// (rfc822; the RCPT address), which is what RFC 3461 §4.2 asks of a submission's ORCPT anyway.
    /// </remarks>
    public async Task<IReadOnlyList<RecipientOutcome>> SendAsync(SpoolEnvelope envelope, IReadOnlyList<string> recipients, byte[] message,
        CancellationToken cancellation)
    {
        var sender = envelope.Sender;
        var requireTls = envelope.RequireTls;
        if (!Relay.IsConfigured)
            return All(recipients, DeliveryResult.Permanent, "554 5.3.5 No outbound relay is configured on this node", null);
        if (requireTls && Relay.Tls is not (RelayTls.StartTls or RelayTls.Implicit))
            return All(recipients, DeliveryResult.Permanent, "550 5.7.30 REQUIRETLS support required: the relay is not configured for mandatory TLS", Relay.Host);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(Relay.Timeout);
        using var client = new RecipientReportingClient(envelope);
        client.LocalDomain = settings.HostName;
        client.Timeout = (int)Math.Min(int.MaxValue, Relay.Timeout.TotalMilliseconds);
        var refused = new Dictionary<string, RecipientOutcome>(StringComparer.OrdinalIgnoreCase);
        client.Refused = (mailbox, response) => refused[mailbox.Address] = FromResponse(mailbox.Address, response.StatusCode, response.Response);
        try
        {
            var mime = await MimeMessage.LoadAsync(new MemoryStream(message, writable: false), timeout.Token);
            var from = sender.Length == 0 ? new MailboxAddress("", "") : new MailboxAddress("", sender);
            var to = recipients.Select(r => new MailboxAddress("", r)).ToList();
            await client.ConnectAsync(Relay.Host, Relay.Port, SocketOptions(Relay.Tls), timeout.Token);
            if (requireTls)
            {
                if (!client.IsSecure || !client.Capabilities.HasFlag(SmtpCapabilities.RequireTLS))
                {
                    await client.DisconnectAsync(quit: true, timeout.Token);
                    return All(recipients, DeliveryResult.Permanent, "550 5.7.30 REQUIRETLS support required: the relay does not offer REQUIRETLS", Relay.Host);
                }
                client.RequireTLS = true;
            }
            if (Relay.User.Length > 0) await client.AuthenticateAsync(Relay.User, Relay.Password, timeout.Token);
            await client.SendAsync(FormatOptions.Default, mime, from, to, timeout.Token);
            await client.DisconnectAsync(quit: true, timeout.Token);
            var reports = client.Capabilities.HasFlag(SmtpCapabilities.Dsn);
            return recipients.Select(r => refused.GetValueOrDefault(r)
                                          ?? new RecipientOutcome(r, DeliveryResult.Delivered, "250 2.0.0 Relayed", Relay.Host) { ReportsFurther = reports && envelope.DsnFor(r).Notify is not null }).ToList();
        }
        catch (NoRecipientAcceptedException)
        {
            return recipients.Select(r => refused.GetValueOrDefault(r) ?? Temporary(r, "451 4.3.0 Relay accepted no recipient")).ToList();
        }
        catch (SmtpCommandException e)
        {
            // MAIL FROM or DATA refused: the whole transaction failed, for every recipient not refused on its own.
            return recipients.Select(r => refused.GetValueOrDefault(r) ?? FromResponse(r, e.StatusCode, e.Message)).ToList();
        }
        catch (ParseException e)
        {
            return All(recipients, DeliveryResult.Permanent, $"554 5.6.0 Message or address cannot be relayed: {e.Message}", null);
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested)
        {
            // Relay down, unreachable, too slow, TLS or login trouble (IOException, SocketException, SslHandshakeException,
            // AuthenticationException, NotSupportedException for a missing STARTTLS, a timeout, whatever else MailKit
            // throws): an operator can fix these, so they are retried until the give-up age, which then bounces them.
            // Letting one escape would fail the attempt before the give-up check and retry it forever.
            return All(recipients, DeliveryResult.Temporary, $"451 4.4.1 Relay {Relay.Host}:{Relay.Port} not usable: {OneLine(e.Message)}", null);
        }
    }

    private RecipientOutcome FromResponse(string recipient, SmtpStatusCode code, string text)
    {
        var number = (int)code;
        var result = number >= 500 ? DeliveryResult.Permanent : DeliveryResult.Temporary;
        return new RecipientOutcome(recipient, result, $"{number} {OneLine(text)}", Relay.Host);
    }

    // Replies and exception texts end up in a DSN header field: one line, bounded length.
    private static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length <= 400 ? line : line[..400];
    }

    private static RecipientOutcome Temporary(string recipient, string reply) => new(recipient, DeliveryResult.Temporary, reply);

    private static List<RecipientOutcome> All(IEnumerable<string> recipients, DeliveryResult result, string reply, string? remote) =>
        recipients.Select(r => new RecipientOutcome(r, result, reply, remote)).ToList();

    private static SecureSocketOptions SocketOptions(RelayTls tls) => tls switch
    {
        RelayTls.None => SecureSocketOptions.None,
        RelayTls.StartTls => SecureSocketOptions.StartTls,
        RelayTls.Opportunistic => SecureSocketOptions.StartTlsWhenAvailable,
        RelayTls.Implicit => SecureSocketOptions.SslOnConnect,
        _ => throw new ArgumentOutOfRangeException(nameof(tls), tls, null),
    };

    /// <summary>MailKit's client with refused recipients reported instead of aborting the transaction, and the envelope's DSN requests passed on.</summary>
    private sealed class RecipientReportingClient : SmtpClient
    {
        private readonly SpoolEnvelope envelope;

        public RecipientReportingClient(SpoolEnvelope envelope)
        {
            this.envelope = envelope;
            DeliveryStatusNotificationType = envelope.Return switch
            {
                DsnReturn.Full => MailKit.Net.Smtp.DeliveryStatusNotificationType.Full,
                DsnReturn.Headers => MailKit.Net.Smtp.DeliveryStatusNotificationType.HeadersOnly,
                _ => MailKit.Net.Smtp.DeliveryStatusNotificationType.Unspecified,
            };
        }

        public Action<MailboxAddress, SmtpResponse>? Refused { get; set; }

        protected override string GetEnvelopeId(MimeMessage message) => envelope.EnvelopeId ?? string.Empty;

        protected override MailKit.DeliveryStatusNotification? GetDeliveryStatusNotifications(MimeMessage message, MailboxAddress mailbox)
        {
            if (envelope.DsnFor(mailbox.Address).Notify is not { } notify) return null;
            var result = MailKit.DeliveryStatusNotification.Never;
            if (notify.HasFlag(DsnNotify.Success)) result |= MailKit.DeliveryStatusNotification.Success;
            if (notify.HasFlag(DsnNotify.Failure)) result |= MailKit.DeliveryStatusNotification.Failure;
            if (notify.HasFlag(DsnNotify.Delay)) result |= MailKit.DeliveryStatusNotification.Delay;
            return result;
        }

        protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) => Refused?.Invoke(mailbox, response);

        protected override void OnNoRecipientsAccepted(MimeMessage message) => throw new NoRecipientAcceptedException();
    }

    private sealed class NoRecipientAcceptedException : Exception;
}
