using ePost.Core.Crypto;
using ePost.Mail.Backend;
using ePost.Post.Delivery;

namespace ePost.Post.Access;

/// <summary>
/// <see cref="IRingDelivery"/> over POST: a submission is signed by the user of this node who submitted it; mail no
/// user submitted (from the Internet through the gateway, bounces the node wrote) is signed by this node as gateway,
/// never with a ring user's key, whatever its envelope sender claims. The recipient sees the claimed sender in the
/// message's own headers.
/// </summary>
/// <param name="gateway">The node's key and certificate; null when the node has none (TLS off): it then takes no gateway mail.</param>
public sealed class PostRingDelivery(PostUserDirectory directory, MailSender sender, GatewayIdentity? gateway) : IRingDelivery
{
    /// <inheritdoc />
    public async Task DeliverAsync(string deliveryId, string envelopeSender, string recipient, ReadOnlyMemory<byte> message, CancellationToken cancellation)
    {
        if (envelopeSender.Length == 0)
        {
            await DeliverFromGatewayAsync(deliveryId, envelopeSender, recipient, message, cancellation).ConfigureAwait(false);
            return;
        }
        var user = directory.Find(envelopeSender)
                   ?? throw new MailDeliveryException(true, $"{envelopeSender} is not a user of this node and cannot send in its name.");
        await sender.SendAsync(user.Keys, UserCertificate.NormalizeAddress(recipient), deliveryId, message, cancellation).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task DeliverFromGatewayAsync(string deliveryId, string envelopeSender, string recipient, ReadOnlyMemory<byte> message, CancellationToken cancellation)
    {
        if (gateway is null) throw new MailDeliveryException(true, "This node has no node certificate to vouch for mail from outside the ring.");
        await sender.SendAsGatewayAsync(gateway, UserCertificate.NormalizeAddress(recipient), deliveryId, message, cancellation).ConfigureAwait(false);
    }
}
