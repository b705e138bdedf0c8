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
    Task DeliverAsync(string deliveryId, string sender, string recipient, ReadOnlyMemory<byte> message, CancellationToken cancellation);
}

/// <summary>A delivery failed; permanent failures (no such user, message too large) are bounced, others retried.</summary>
public sealed class MailDeliveryException(bool permanent, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>True when retrying cannot help.</summary>
    public bool Permanent { get; } = permanent;
}
