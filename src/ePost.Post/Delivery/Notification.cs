using System.Security.Cryptography;
using ePost.Core.Crypto;
using ePost.Core.Ids;
using ePost.Post.Binary;

namespace ePost.Post.Delivery;

/// <summary>What a sender tells a recipient: "a message for you is stored under this manifest", signed by the sender.</summary>
/// <param name="DeliveryId">Unique per message and recipient; the recipient files each id once, however often it is told.</param>
/// <param name="Sender">The sender's address (the one its certificate names).</param>
/// <param name="Recipient">The recipient's address.</param>
/// <param name="ManifestId">The message manifest block's id.</param>
/// <param name="ManifestKey">The manifest's content key.</param>
/// <param name="Size">The message's size in bytes.</param>
public sealed record Notification(string DeliveryId, string Sender, string Recipient, RingId ManifestId, byte[] ManifestKey, long Size)
{
    /// <summary>Longest delivery id, in UTF-8 bytes.</summary>
    public const int MaxDeliveryIdBytes = 128;

    private static readonly byte[] Magic = "EPNT"u8.ToArray();
    private const byte Version = 1;
    private const byte GatewayVersion = 2;

    /// <summary>
    /// For gateway mail (from the Internet, or a bounce the node wrote): the encoded node certificate of the node that
    /// received it, whose node key signed the notification; <see cref="Sender"/> is then empty, since nobody vouches
    /// for the envelope sender. Null for mail a ring user sent.
    /// </summary>
    public byte[]? GatewayCertificate { get; init; }

    /// <summary>True for gateway mail.</summary>
    public bool IsGateway => GatewayCertificate is not null;

    /// <summary>Signs with the receiving node's key (its certificate is <see cref="GatewayCertificate"/>) and encrypts for the recipient.</summary>
    /// <exception cref="ArgumentException">When the notification is not gateway mail, or names a sender, or the certificate is not for <paramref name="nodeKey"/>.</exception>
    public byte[] SealAsGateway(Ed25519KeyPair nodeKey, UserCertificate recipient, RandomNumberGenerator random)
    {
        ArgumentNullException.ThrowIfNull(nodeKey);
        ArgumentNullException.ThrowIfNull(recipient);
        if (GatewayCertificate is null || Sender.Length > 0) throw new ArgumentException("Only gateway mail, with no sender named, is sealed by a gateway.", nameof(nodeKey));
        if (!NodeCertificate.TryDecode(GatewayCertificate, out var certificate, out var reason)) throw new ArgumentException(reason, nameof(nodeKey));
        if (!certificate.NodePublicKey.AsSpan().SequenceEqual(nodeKey.PublicKey))
            throw new ArgumentException("The gateway certificate is for another node key.", nameof(nodeKey));
        return SealWith(nodeKey, recipient, random);
    }
    private const string Domain = "epost/notification/v1";

    /// <summary>Signs with the sender's key and encrypts for the recipient's key: only the recipient reads it, and it proves its sender.</summary>
    /// <remarks>
    /// Sealed as <see cref="SealedEnvelope"/> describes, domain "epost/notification/v1". The plaintext names sender and
    /// recipient, so a sealed notification cannot be re-addressed to someone else or claimed for another sender.
    /// </remarks>
    /// <param name="sender">The sender's keys.</param>
    /// <param name="recipient">The recipient's certificate.</param>
    /// <param name="random">The randomness for keys and nonces.</param>
    /// <param name="deviceKeys">
    /// The X25519 keys of the recipient's active devices (from the recipient's verified device list): the content key
    /// is wrapped for each as well as for the user key, so every current device can open it and a revoked one, whose
    /// key is no longer listed, cannot. Multi-recipient layout: u8 1 | u8 count | count × (u32 length | KeyWrap), the
    /// user's wrap first | the same box.
    /// </param>
    public byte[] Seal(UserKeys sender, UserCertificate recipient, RandomNumberGenerator random, IReadOnlyList<byte[]>? deviceKeys = null)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(recipient);
        if (sender.Certificate.Address != Sender) throw new ArgumentException($"The notification is from {Sender}, not {sender.Certificate.Address}.", nameof(sender));
        return SealWith(sender.Signing, recipient, random, deviceKeys);
    }

    /// <summary>Most device wraps a sealed notification may carry (the device list's own bound).</summary>
    public const int MaxDeviceWraps = Core.Devices.DeviceList.MaxEntries;

    /// <summary>Seals, signing with <paramref name="signer"/> whoever <see cref="Sender"/> names (tests use it to forge).</summary>
    internal byte[] SealWith(Ed25519KeyPair signer, UserCertificate recipient, RandomNumberGenerator random, IReadOnlyList<byte[]>? deviceKeys = null)
    {
        if (deviceKeys is { Count: > MaxDeviceWraps }) throw new ArgumentException($"At most {MaxDeviceWraps} device keys.", nameof(deviceKeys));
        if (recipient.Address != Recipient) throw new ArgumentException($"The notification is for {Recipient}, not {recipient.Address}.", nameof(recipient));
        return SealedEnvelope.Seal(Domain, signer, recipient, Encode(), random, deviceKeys);
    }

    /// <summary>Opens a sealed notification with the recipient's keys; the sender is not yet verified (see <see cref="OpenedNotification.VerifySender"/>).</summary>
    /// <exception cref="CryptographicException">When it is not for this recipient or was altered.</exception>
    /// <exception cref="FormatException">When the plaintext is malformed.</exception>
    public static OpenedNotification Open(ReadOnlySpan<byte> sealedBytes, UserKeys recipient)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        return Open(sealedBytes, recipient.Certificate.Address, recipient.Encryption);
    }

    /// <summary>Opens a sealed notification with one X25519 key: the user's, or one of the user's devices' (when the sender wrapped for it).</summary>
    /// <exception cref="CryptographicException">When no wrap opens with this key or it was altered.</exception>
    /// <exception cref="FormatException">When the plaintext is malformed.</exception>
    public static OpenedNotification Open(ReadOnlySpan<byte> sealedBytes, string recipientAddress, X25519KeyPair key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var (plaintext, signature) = SealedEnvelope.Open(Domain, sealedBytes, recipientAddress, key.PrivateKey, "sealed notification");
        var notification = Decode(plaintext);
        if (notification.Recipient != recipientAddress)
            throw new CryptographicException($"The notification names {notification.Recipient}, not {recipientAddress}.");
        return new OpenedNotification(notification, plaintext, signature);
    }

    internal byte[] Encode()
    {
        var writer = new FieldWriter().Raw(Magic).Byte(IsGateway ? GatewayVersion : Version).Text(DeliveryId).Text(Sender).Text(Recipient)
            .Raw(ManifestId.ToBytes()).Raw(ManifestKey).Int64(Size);
        if (GatewayCertificate is { } gateway) writer.Bytes(gateway);
        return writer.ToArray();
    }

    private static Notification Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new FieldReader(bytes, "notification");
        if (!reader.Raw(Magic.Length).SequenceEqual(Magic)) throw new FormatException("Not a notification.");
        var version = reader.Byte();
        if (version is not (Version or GatewayVersion)) throw new FormatException("Unknown notification version.");
        var deliveryId = reader.Text(MaxDeliveryIdBytes);
        var sender = reader.Text(UserCertificate.MaxAddressBytes);
        var recipient = reader.Text(UserCertificate.MaxAddressBytes);
        var manifestId = RingId.FromBytes(reader.Raw(RingId.ByteLength));
        var manifestKey = reader.Raw(32).ToArray();
        var size = reader.Int64();
        var gateway = version == GatewayVersion ? reader.Bytes(NodeCertificate.MaxEncodedLength) : null;
        reader.End();
        if (deliveryId.Length == 0 || size < 0) throw new FormatException("A notification needs a delivery id and a size.");
        if (gateway is not null && sender.Length > 0) throw new FormatException("Gateway mail names no sender.");
        return new Notification(deliveryId, sender, recipient, manifestId, manifestKey, size) { GatewayCertificate = gateway };
    }

    internal static bool VerifySignature(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> signature, ReadOnlySpan<byte> senderKey) =>
        SealedEnvelope.Verify(Domain, plaintext, signature, senderKey);
}

/// <summary>A notification the recipient decrypted; trust it only after <see cref="VerifySender"/>.</summary>
public sealed class OpenedNotification(Notification notification, byte[] plaintext, byte[] signature)
{
    /// <summary>The claimed contents.</summary>
    public Notification Notification { get; } = notification;

    /// <summary>True when <paramref name="senderCertificate"/> (already checked against the ring CA) is the claimed sender's and signed this notification.</summary>
    public bool VerifySender(UserCertificate senderCertificate)
    {
        ArgumentNullException.ThrowIfNull(senderCertificate);
        return !Notification.IsGateway && senderCertificate.Address == Notification.Sender &&
               Notification.VerifySignature(plaintext, signature, senderCertificate.SigningPublicKey);
    }

    /// <summary>
    /// For gateway mail: true when its node certificate passes <paramref name="checkNode"/> (the ring CA's check) and
    /// that node's key signed this notification. The message's own headers then say who claims to have sent it; the
    /// ring vouches only that a certified node received it from outside.
    /// </summary>
    public bool VerifyGateway(Func<NodeCertificate, NodeCertificateVerdict> checkNode, out string reason)
    {
        ArgumentNullException.ThrowIfNull(checkNode);
        if (Notification.GatewayCertificate is not { } encoded)
        {
            reason = "it is not gateway mail";
            return false;
        }
        if (!NodeCertificate.TryDecode(encoded, out var certificate, out reason)) return false;
        var verdict = checkNode(certificate);
        if (!verdict.IsValid)
        {
            reason = verdict.Reason;
            return false;
        }
        if (!Notification.VerifySignature(plaintext, signature, certificate.NodePublicKey))
        {
            reason = $"it is not signed by the key of gateway node {certificate.NodeId.ToShortString()}";
            return false;
        }
        reason = "";
        return true;
    }
}
