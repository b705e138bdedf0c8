using ePost.Core.Crypto;
using ePost.Mail.Backend;
using ePost.Post.Delivery;

namespace ePost.Post.Access;

/// <summary>
/// <see cref="IRingDelivery"/> over POST: the notification is signed by the envelope sender when that is a user of
/// this node (submission), otherwise by this node's first user, who vouches for mail the node accepted from outside
/// (gateway mail, bounces). The recipient sees the real sender in the message's own headers either way.
/// </summary>
public sealed class PostRingDelivery(PostUserDirectory directory, IReadOnlyList<LocalUser> users, MailSender sender) : IRingDelivery
{
    /// <inheritdoc />
    public async Task DeliverAsync(string deliveryId, string envelopeSender, string recipient, ReadOnlyMemory<byte> message, CancellationToken cancellation)
    {
        var signer = (envelopeSender.Length > 0 ? directory.Find(envelopeSender) : null) ?? users.FirstOrDefault()
                     ?? throw new MailDeliveryException(true, "This node serves no user to sign the delivery with.");
        await sender.SendAsync(signer.Keys, UserCertificate.NormalizeAddress(recipient), deliveryId, message, cancellation).ConfigureAwait(false);
    }
}
