using System.Buffers.Binary;
using System.Text;
using ePost.Core.Crypto;
using ePost.Core.Ids;

namespace ePost.Storage.Objects;

/// <summary>The canonical binary encoding of an object, the same in the database and on the wire.</summary>
/// <remarks>
/// All integers big-endian; every variable-length field is length-prefixed; nothing may follow the last field.
/// <code>
/// content block:  u8 kind = 1 | id (20) | u32 data length | data
/// signed object:  u8 kind = 2 | id (20) | owner key (32) | u16 label length | label (UTF-8)
///                 | u64 version | u32 payload length | payload | signature (64)
/// device-signed:  u8 kind = 5 | as kind 2 up to the payload | signer key (32) | u32 device list length
///                 | device list (DeviceList encoding) | signature by the signer (64)
/// certificate:    u8 kind = 3 | id (20) | u32 certificate length | certificate (UserCertificate encoding)
/// notification:   u8 kind = 4 | id (20) | recipient key (32) | u8 state
///                 | state 0 (pending):   u32 body length | body
///                 | state 1 (withdrawn): recipient signature (64)
/// </code>
/// Key and signature are fixed-size Ed25519 fields, so they carry no length; another algorithm would be another kind.
/// The decoder checks the total against the caller's size limit before it reads anything, and every length against
/// the bytes that remain before it copies anything, so hostile input costs at most one pass over its own bytes.
/// </remarks>
public static class ObjectCodec
{
    /// <summary>Bytes a content block's encoding adds to its data.</summary>
    public const int ContentBlockOverhead = 1 + RingId.ByteLength + 4;

    /// <summary>Bytes a signed object's encoding adds to its label and payload.</summary>
    public const int SignedObjectOverhead =
        1 + RingId.ByteLength + Ed25519.PublicKeyLength + 2 + 8 + 4 + Ed25519.SignatureLength;

    /// <summary>Bytes a certificate object's encoding adds to the certificate.</summary>
    public const int CertificateOverhead = 1 + RingId.ByteLength + 4;

    /// <summary>Bytes every notification encoding has before its state-specific part.</summary>
    public const int NotificationOverhead = 1 + RingId.ByteLength + Ed25519.PublicKeyLength + 1;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Encodes an object canonically.</summary>
    public static byte[] Encode(StoredObject value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var bytes = new byte[value.EncodedLength];
        var writer = new Writer(bytes);
        writer.Byte(value is SignedObject { Endorsement: not null } ? (byte)ObjectKind.DeviceSignedObject : (byte)value.Kind);
        writer.Id(value.Id);
        switch (value)
        {
            case ContentBlock block:
                writer.UInt32((uint)block.Data.Length);
                writer.Raw(block.Data.Span);
                break;
            case SignedObject signed:
                writer.Raw(signed.OwnerKey.Span);
                var label = SignedObject.EncodeLabel(signed.Label);
                writer.UInt16((ushort)label.Length);
                writer.Raw(label);
                writer.UInt64(signed.Version);
                writer.UInt32((uint)signed.Payload.Length);
                writer.Raw(signed.Payload.Span);
                if (signed.Endorsement is { } endorsement)
                {
                    writer.Raw(endorsement.SignerKey.Span);
                    writer.UInt32((uint)endorsement.EncodedList.Length);
                    writer.Raw(endorsement.EncodedList.Span);
                }
                writer.Raw(signed.Signature.Span);
                break;
            case CertificateObject certificate:
                writer.UInt32((uint)certificate.EncodedCertificate.Length);
                writer.Raw(certificate.EncodedCertificate.Span);
                break;
            case NotificationObject notification:
                writer.Raw(notification.RecipientKey.Span);
                if (notification.IsWithdrawn)
                {
                    writer.Byte(1);
                    writer.Raw(notification.Withdrawal.Span);
                }
                else
                {
                    writer.Byte(0);
                    writer.UInt32((uint)notification.Body.Length);
                    writer.Raw(notification.Body.Span);
                }
                break;
            default:
                throw new ArgumentException($"No encoding for {value.GetType().Name}.", nameof(value));
        }
        if (writer.Position != bytes.Length)
            throw new InvalidOperationException($"Encoded {writer.Position} bytes where {bytes.Length} were announced.");
        return bytes;
    }

    /// <summary>Decodes exactly one canonical encoding of at most <paramref name="maxEncodedLength"/> bytes.</summary>
    /// <exception cref="ObjectFormatException">When the bytes are too long, of an unknown kind, truncated, padded or otherwise malformed.</exception>
    public static StoredObject Decode(ReadOnlySpan<byte> encoded, int maxEncodedLength)
    {
        if (encoded.Length > maxEncodedLength)
            throw new ObjectFormatException(RefusalReason.TooLarge,
                $"An object of {encoded.Length} bytes exceeds the limit of {maxEncodedLength} bytes.");
        if (encoded.IsEmpty)
            throw new ObjectFormatException(RefusalReason.Malformed, "An object encoding cannot be empty.");

        var reader = new Reader(encoded);
        var kind = reader.Byte();
        StoredObject result = kind switch
        {
            (byte)ObjectKind.ContentBlock => DecodeContentBlock(ref reader),
            (byte)ObjectKind.SignedObject => DecodeSignedObject(ref reader, endorsed: false),
            (byte)ObjectKind.DeviceSignedObject => DecodeSignedObject(ref reader, endorsed: true),
            (byte)ObjectKind.Certificate => new CertificateObject(reader.Id(), reader.LengthPrefixed32("certificate")),
            (byte)ObjectKind.Notification => DecodeNotification(ref reader),
            _ => throw new ObjectFormatException(RefusalReason.UnknownKind, $"Unknown object kind {kind}."),
        };
        if (reader.Remaining != 0)
            throw new ObjectFormatException(RefusalReason.Malformed,
                $"{reader.Remaining} bytes follow the end of a {(ObjectKind)kind} encoding.");
        return result;
    }

    private static ContentBlock DecodeContentBlock(ref Reader reader)
    {
        var id = reader.Id();
        var data = reader.LengthPrefixed32("data");
        return new ContentBlock(id, data);
    }

    private static SignedObject DecodeSignedObject(ref Reader reader, bool endorsed)
    {
        var id = reader.Id();
        var ownerKey = reader.Fixed(Ed25519.PublicKeyLength, "owner key");
        var labelLength = reader.UInt16("label length");
        if (labelLength > SignedObject.MaxLabelBytes)
            throw new ObjectFormatException(RefusalReason.Malformed,
                $"A label of {labelLength} bytes exceeds {SignedObject.MaxLabelBytes} bytes.");
        var labelBytes = reader.Fixed(labelLength, "label");
        string label;
        try
        {
            label = StrictUtf8.GetString(labelBytes);
        }
        catch (DecoderFallbackException)
        {
            throw new ObjectFormatException(RefusalReason.Malformed, "The label is not valid UTF-8.");
        }
        var version = reader.UInt64("version");
        var payload = reader.LengthPrefixed32("payload");
        DeviceEndorsement? endorsement = null;
        if (endorsed)
        {
            var signer = reader.Fixed(Ed25519.PublicKeyLength, "signer key");
            endorsement = new DeviceEndorsement(signer, reader.LengthPrefixed32("device list"));
        }
        var signature = reader.Fixed(Ed25519.SignatureLength, "signature");
        return new SignedObject(id, ownerKey, label, version, payload, signature, endorsement);
    }

    private static NotificationObject DecodeNotification(ref Reader reader)
    {
        var id = reader.Id();
        var recipientKey = reader.Fixed(Ed25519.PublicKeyLength, "recipient key");
        return reader.Byte() switch
        {
            0 => new NotificationObject(id, recipientKey, reader.LengthPrefixed32("body"), ReadOnlyMemory<byte>.Empty),
            1 => new NotificationObject(id, recipientKey, ReadOnlyMemory<byte>.Empty, reader.Fixed(Ed25519.SignatureLength, "withdrawal")),
            var state => throw new ObjectFormatException(RefusalReason.Malformed, $"Unknown notification state {state}."),
        };
    }

    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _position;

        public readonly int Remaining => _bytes.Length - _position;

        public byte Byte() => Take(1, "kind")[0];

        public RingId Id() => RingId.FromBytes(Take(RingId.ByteLength, "id"));

        public ushort UInt16(string field) => BinaryPrimitives.ReadUInt16BigEndian(Take(2, field));

        public ulong UInt64(string field) => BinaryPrimitives.ReadUInt64BigEndian(Take(8, field));

        public byte[] Fixed(int length, string field) => Take(length, field).ToArray();

        public byte[] LengthPrefixed32(string field)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(Take(4, field + " length"));
            // Compared as unsigned so a length near 2^32 cannot wrap into something that looks small.
            if (length > (uint)Remaining)
                throw new ObjectFormatException(RefusalReason.Malformed,
                    $"The {field} claims {length} bytes but only {Remaining} remain.");
            return Fixed((int)length, field);
        }

        private ReadOnlySpan<byte> Take(int length, string field)
        {
            if (length > Remaining)
                throw new ObjectFormatException(RefusalReason.Malformed,
                    $"Truncated: the {field} needs {length} bytes but only {Remaining} remain.");
            var slice = _bytes.Slice(_position, length);
            _position += length;
            return slice;
        }
    }

    private ref struct Writer(Span<byte> bytes)
    {
        private readonly Span<byte> _bytes = bytes;

        public int Position { get; private set; }

        public void Byte(byte value) => _bytes[Position++] = value;

        public void Id(RingId id)
        {
            id.WriteBytes(_bytes[Position..]);
            Position += RingId.ByteLength;
        }

        public void UInt16(ushort value)
        {
            BinaryPrimitives.WriteUInt16BigEndian(_bytes[Position..], value);
            Position += 2;
        }

        public void UInt32(uint value)
        {
            BinaryPrimitives.WriteUInt32BigEndian(_bytes[Position..], value);
            Position += 4;
        }

        public void UInt64(ulong value)
        {
            BinaryPrimitives.WriteUInt64BigEndian(_bytes[Position..], value);
            Position += 8;
        }

        public void Raw(ReadOnlySpan<byte> value)
        {
            value.CopyTo(_bytes[Position..]);
            Position += value.Length;
        }
    }
}
