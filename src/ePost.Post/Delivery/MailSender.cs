using System.Security.Cryptography;
using Akka.Actor;
using ePost.Core.Crypto;
using ePost.Mail.Backend;
using ePost.Overlay.Node;
using ePost.Post.Identity;
using ePost.Post.Messages;
using ePost.Post.Ring;
using ePost.Post.Wire;
using ePost.Storage.Objects;

namespace ePost.Post.Delivery;

/// <summary>
/// Sends a message from a local user to a ring user: stores the encrypted message, deposits a sealed notification
/// near the recipient's id, and hints the recipient's node (from its presence record) that it is there.
/// </summary>
/// <remarks>
/// When <see cref="SendAsync"/> returns, the message blocks and the notification are on a majority of their replicas:
/// the recipient will get the message whether or not its node is up now. A retry with the same delivery id may
/// deposit a second notification; the recipient files each delivery id once.
/// </remarks>
/// <param name="ring">The replicated store.</param>
/// <param name="certificates">Users' certificates.</param>
/// <param name="overlay">The node's ring node actor.</param>
/// <param name="settings">POST settings.</param>
/// <param name="devices">Users' device lists: a notification is sealed for the recipient's active devices too; null seals for the user key alone.</param>
public sealed class MailSender(RingClient ring, CertificateDirectory certificates, IActorRef overlay, PostSettings settings, DeviceDirectory? devices = null)
{
    /// <summary>Sends <paramref name="message"/> from <paramref name="sender"/> to the ring user <paramref name="recipient"/>.</summary>
    /// <returns>The id of the deposited notification.</returns>
    /// <exception cref="MailDeliveryException">Permanent when the recipient has no certificate in the ring; transient when the ring did not take the message.</exception>
    public Task<Core.Ids.RingId> SendAsync(UserKeys sender, string recipient, string deliveryId, ReadOnlyMemory<byte> message, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(sender);
        return SendAsync(recipient, message, cancellation, (encoded, certificate, deviceKeys) =>
            new Notification(deliveryId, sender.Certificate.Address, certificate.Address, encoded.Manifest.Id, encoded.Manifest.Key, encoded.Size)
                .Seal(sender, certificate, RandomNumberGenerator.Create(), deviceKeys));
    }

    /// <summary>Sends mail no ring user vouches for (from the Internet, a bounce) to <paramref name="recipient"/>, signed by this node as <paramref name="gateway"/>.</summary>
    /// <returns>The id of the deposited notification.</returns>
    /// <exception cref="MailDeliveryException">As for <see cref="SendAsync(UserKeys, string, string, ReadOnlyMemory{byte}, CancellationToken)"/>.</exception>
    public Task<Core.Ids.RingId> SendAsGatewayAsync(GatewayIdentity gateway, string recipient, string deliveryId, ReadOnlyMemory<byte> message, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        return SendAsync(recipient, message, cancellation, (encoded, certificate, _) =>
            new Notification(deliveryId, "", certificate.Address, encoded.Manifest.Id, encoded.Manifest.Key, encoded.Size) { GatewayCertificate = gateway.Certificate }
                .SealAsGateway(gateway.NodeKey, certificate, RandomNumberGenerator.Create()));
    }

    private async Task<Core.Ids.RingId> SendAsync(string recipient, ReadOnlyMemory<byte> message, CancellationToken cancellation,
        Func<EncodedMessage, UserCertificate, IReadOnlyList<byte[]>, byte[]> seal)
    {
        UserCertificate? certificate;
        try
        {
            certificate = await certificates.FindAsync(recipient, cancellation: cancellation).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            throw new MailDeliveryException(true, e.Message);
        }
        catch (RingException e)
        {
            throw new MailDeliveryException(false, $"Cannot find {recipient}'s certificate right now: {e.Message}");
        }
        if (certificate is null) throw new MailDeliveryException(true, $"{recipient} is not a user of this ring (no certificate is published for it).");
        try
        {
            var encoded = MessageCodec.Encode(message);
            // The recipient's device list is read while the blocks are stored: the two are independent, and the list
            // is still read before the notification is sealed.
            var deviceKeys = DeviceKeysAsync(certificate, cancellation);
            await Task.WhenAll(StoreAsync(encoded, cancellation), deviceKeys).ConfigureAwait(false);
            return await DepositAsync(certificate, seal(encoded, certificate, await deviceKeys.ConfigureAwait(false)), cancellation).ConfigureAwait(false);
        }
        catch (RingException e)
        {
            throw new MailDeliveryException(e.Refusal is RefusalReason.TooLarge or RefusalReason.OverBudget, $"The ring did not take the message: {e.Message}", e);
        }
    }

    /// <summary>
    /// Leaves <paramref name="sealedBody"/> (a sealed notification or receipt) in <paramref name="addressee"/>'s
    /// notification arc, where its node collects it, and hints that node (from its presence record) that it is there.
    /// </summary>
    /// <returns>The id of the deposited notification.</returns>
    /// <exception cref="RingException">When the ring did not take it.</exception>
    public async Task<Core.Ids.RingId> DepositAsync(UserCertificate addressee, byte[] sealedBody, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(addressee);
        var deposit = NotificationObject.Deposit(addressee.UserId, addressee.SigningPublicKey, sealedBody);
        await ring.InsertAsync(deposit, settings.NotificationLease, cancellation).ConfigureAwait(false);
        await HintAsync(addressee, deposit, cancellation).ConfigureAwait(false);
        return deposit.Id;
    }

    /// <summary>Stores the message's blocks, then its manifest (so a manifest never names a block the ring lacks).</summary>
    public async Task StoreAsync(EncodedMessage encoded, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        await Parallel.ForEachAsync(encoded.Blocks, new ParallelOptions { MaxDegreeOfParallelism = settings.Parallelism, CancellationToken = cancellation },
            async (block, token) => await ring.InsertAsync(new ContentBlock(block.Id, block.Ciphertext), settings.MessageLease, token).ConfigureAwait(false)).ConfigureAwait(false);
        await ring.InsertAsync(new ContentBlock(encoded.Manifest.Id, encoded.Manifest.Ciphertext), settings.MessageLease, cancellation).ConfigureAwait(false);
    }

    /// <summary>
    /// The X25519 keys of the recipient's active devices. Without a list (or when the ring cannot say) the notification
    /// is sealed for the user key alone, which no paired device holds unless the user gave it: failing closed for
    /// revoked devices, at worst late for current ones (the user's own node files it).
    /// </summary>
    public async Task<IReadOnlyList<byte[]>> DeviceKeysAsync(UserCertificate recipient, CancellationToken cancellation = default) =>
        devices is null ? [] : (await devices.FindAsync(recipient, cancellation).ConfigureAwait(false))?.Active.Select(d => d.EncryptionKey).ToList() ?? [];

    private async Task HintAsync(UserCertificate recipient, NotificationObject deposit, CancellationToken cancellation)
    {
        var presence = await ring.LookupAsync(Presence.IdOf(recipient.SigningPublicKey), newest: true, cancellation).ConfigureAwait(false);
        // Only the device that published last: hinting every device would have each file the mail at once, and every
        // delivery would fork INBOX (the merge keeps one copy, at the price of a snapshot). The device that files it
        // hints the user's other devices itself; collection rounds catch a hint lost to a device that went away.
        if (Presence.Read(presence, recipient.SigningPublicKey) is [var node, ..])
            overlay.Tell(new SendTo(node, new NotificationWaiting(recipient.Address, deposit.Id)));
    }
}

/// <summary>What a node signs gateway mail with: its node key and the ring's certificate for it (encoded).</summary>
/// <param name="NodeKey">The node key.</param>
/// <param name="Certificate">The node certificate for <paramref name="NodeKey"/>, as the ring CA issued it.</param>
public sealed record GatewayIdentity(Ed25519KeyPair NodeKey, byte[] Certificate);
