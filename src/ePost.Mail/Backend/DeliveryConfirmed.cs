using Akka.Actor;

namespace ePost.Mail.Backend;

/// <summary>
/// Published on the node's event stream by POST when a receipt for mail a local user sent has arrived and verified:
/// the recipient's certified key signed that it filed delivery <paramref name="DeliveryId"/>. The mail side answers
/// <paramref name="ReplyTo"/> with <see cref="DeliveryConfirmationTaken"/> once it has durably taken it; until then
/// POST keeps the receipt in the ring and publishes it again.
/// </summary>
/// <param name="Sender">The local user who sent the message.</param>
/// <param name="DeliveryId">The delivery id the mail side gave POST for that recipient.</param>
/// <param name="Recipient">The recipient whose key signed the receipt.</param>
/// <param name="FiledAt">When the recipient's node says it filed the message (its clock).</param>
/// <param name="ReplyTo">Who waits for the answer.</param>
/// <param name="Token">Echoed in the answer.</param>
public sealed record DeliveryConfirmed(string Sender, string DeliveryId, string Recipient, DateTimeOffset FiledAt, IActorRef ReplyTo, object Token);

/// <summary>The mail side has durably taken a <see cref="DeliveryConfirmed"/>; POST may withdraw the receipt.</summary>
/// <param name="Token">The confirmation's token.</param>
public sealed record DeliveryConfirmationTaken(object Token);
