using System.Security.Cryptography;
using ePost.Core.Crypto;
using ePost.Core.Ids;
using ePost.Post.Binary;

namespace ePost.Post.Delivery;

/// <summary>
/// What a recipient's node tells the sender once it has filed a message: "delivery <see cref="DeliveryId"/>, told by
/// notification <see cref="NotificationId"/>, is in <see cref="Recipient"/>'s mailbox since <see cref="FiledAt"/>",
/// signed with the recipient's certified key and sealed for the sender. It waits in the sender's notification arc
/// like any notification; the sender's node trusts it only after <see cref="OpenedReceipt.VerifyRecipient"/>.
/// </summary>
/// <param name="DeliveryId">The delivery id the sender chose (its node knows it; nobody else learns it).</param>
/// <param name="Sender">The original message's sender, to whom the receipt is addressed.</param>
/// <param name="Recipient">The original message's recipient, who signs the receipt.</param>
/// <param name="NotificationId">The ring id of the notification that told the recipient.</param>
/// <param name="FiledAt">When the recipient's node filed the message, by its clock (a claim, shown to the sender as such).</param>
public sealed record Receipt(string DeliveryId, string Sender, string Recipient, RingId NotificationId, DateTimeOffset FiledAt)
{
    private static readonly byte[] Magic = "EPRC"u8.ToArray();
    private const byte Version = 1;
    private const string Domain = "epost/receipt/v1";

    /// <summary>Signs with the recipient's key and encrypts for the sender.</summary>
    /// <exception cref="ArgumentException">When the keys or the certificate are not the ones the receipt names.</exception>
    public byte[] Seal(UserKeys recipient, UserCertificate sender, RandomNumberGenerator random)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        ArgumentNullException.ThrowIfNull(sender);
        if (recipient.Certificate.Address != Recipient) throw new ArgumentException($"The receipt is from {Recipient}, not {recipient.Certificate.Address}.", nameof(recipient));
        return SealWith(recipient.Signing, sender, random);
    }

    /// <summary>Seals, signing with <paramref name="signer"/> whoever <see cref="Recipient"/> names (tests use it to forge).</summary>
    internal byte[] SealWith(Ed25519KeyPair signer, UserCertificate sender, RandomNumberGenerator random)
    {
        if (sender.Address != Sender) throw new ArgumentException($"The receipt is for {Sender}, not {sender.Address}.", nameof(sender));
        return SealedEnvelope.Seal(Domain, signer, sender, Encode(), random);
    }

    /// <summary>Opens a sealed receipt with the sender's keys; who signed it is not yet verified.</summary>
    /// <exception cref="CryptographicException">When it is not a receipt for this user, or was altered.</exception>
    /// <exception cref="FormatException">When the plaintext is malformed.</exception>
    public static OpenedReceipt Open(ReadOnlySpan<byte> sealedBytes, UserKeys sender)
    {
        ArgumentNullException.ThrowIfNull(sender);
        var (plaintext, signature) = SealedEnvelope.Open(Domain, sealedBytes, sender, "sealed receipt");
        var receipt = Decode(plaintext);
        if (receipt.Sender != sender.Certificate.Address)
            throw new CryptographicException($"The receipt is addressed to {receipt.Sender}, not {sender.Certificate.Address}.");
        return new OpenedReceipt(receipt, plaintext, signature);
    }

    private byte[] Encode() => new FieldWriter().Raw(Magic).Byte(Version).Text(DeliveryId).Text(Sender).Text(Recipient)
        .Raw(NotificationId.ToBytes()).Int64(FiledAt.ToUnixTimeMilliseconds()).ToArray();

    private static Receipt Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new FieldReader(bytes, "receipt");
        if (!reader.Raw(Magic.Length).SequenceEqual(Magic)) throw new FormatException("Not a receipt.");
        if (reader.Byte() != Version) throw new FormatException("Unknown receipt version.");
        var deliveryId = reader.Text(Notification.MaxDeliveryIdBytes);
        var sender = reader.Text(UserCertificate.MaxAddressBytes);
        var recipient = reader.Text(UserCertificate.MaxAddressBytes);
        var notificationId = RingId.FromBytes(reader.Raw(RingId.ByteLength));
        var filedAt = reader.Int64();
        reader.End();
        if (deliveryId.Length == 0) throw new FormatException("A receipt needs a delivery id.");
        // Year 1 to 9999: anything else is not a time DateTimeOffset (and a DSN) can carry.
        if (filedAt is < -62135596800000 or > 253402300799999) throw new FormatException("A receipt's filing time is out of range.");
        return new Receipt(deliveryId, sender, recipient, notificationId, DateTimeOffset.FromUnixTimeMilliseconds(filedAt));
    }

    internal static bool VerifySignature(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> signature, ReadOnlySpan<byte> recipientKey) =>
        SealedEnvelope.Verify(Domain, plaintext, signature, recipientKey);
}

/// <summary>A receipt the sender decrypted; trust it only after <see cref="VerifyRecipient"/>.</summary>
public sealed class OpenedReceipt(Receipt receipt, byte[] plaintext, byte[] signature)
{
    /// <summary>The claimed contents.</summary>
    public Receipt Receipt { get; } = receipt;

    /// <summary>True when <paramref name="recipientCertificate"/> (already checked against the ring CA) is the claimed recipient's and signed this receipt.</summary>
    public bool VerifyRecipient(UserCertificate recipientCertificate)
    {
        ArgumentNullException.ThrowIfNull(recipientCertificate);
        return recipientCertificate.Address == Receipt.Recipient && Receipt.VerifySignature(plaintext, signature, recipientCertificate.SigningPublicKey);
    }
}
