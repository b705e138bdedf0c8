namespace ePost.Mail.Backend;

/// <summary>
/// Hands a message to the POST layer for a user of the ring. Implemented by the node over POST: the message is
/// stored encrypted in the ring and a signed notification is routed to the recipient (or left in the ring for them).
/// </summary>
public interface IRingDelivery
{
    /// <summary>
    /// Delivers <paramref name="message"/> (bytes exactly as they must be filed) from <paramref name="sender"/> to the
    /// ring user <paramref name="recipient"/>. Returns once POST has taken responsibility (the message and the
    /// notification are durably in the ring). Idempotent per <paramref name="deliveryId"/>: retrying a delivery that
    /// may have succeeded never files the message twice.
    /// </summary>
    /// <exception cref="MailDeliveryException">The delivery failed: <see cref="MailDeliveryException.Permanent"/> says whether a retry can help.</exception>
    /// <remarks>The message was submitted by an authenticated user of this node, whose address <paramref name="sender"/> is (the SMTP layer checked it), or empty for a null-sender submission.</remarks>
    Task DeliverAsync(string deliveryId, string sender, string recipient, ReadOnlyMemory<byte> message, CancellationToken cancellation);

    /// <summary>
    /// As <see cref="DeliverAsync"/> for mail no user of this node submitted: from the Internet through the gateway,
    /// or a bounce the node wrote. <paramref name="sender"/> is only what the envelope claims, so the notification is
    /// signed by this node as gateway, never with a ring user's key.
    /// </summary>
    /// <exception cref="MailDeliveryException">As for <see cref="DeliverAsync"/>.</exception>
    Task DeliverFromGatewayAsync(string deliveryId, string sender, string recipient, ReadOnlyMemory<byte> message, CancellationToken cancellation);
}

/// <summary>A delivery failed; permanent failures (no such user, message too large) are bounced, others retried.</summary>
public sealed class MailDeliveryException(bool permanent, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>True when retrying cannot help.</summary>
    public bool Permanent { get; } = permanent;
}
