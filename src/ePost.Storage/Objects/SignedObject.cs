using System.Buffers.Binary;
using System.Text;
using ePost.Core.Crypto;
using ePost.Core.Ids;

namespace ePost.Storage.Objects;

/// <summary>A mutable object (a log head, say): an owner's Ed25519 key, a label, a version and a payload, signed by the owner.</summary>
/// <remarks>
/// <para>Id derivation (domain-separated so that no content block or other use of SHA-256 can mean the same bytes):</para>
/// <code>
/// id = first 160 bits of SHA-256(
///        "epost/signed-object-id/v1"   25 ASCII bytes, no terminator
///        owner public key              32 bytes (raw Ed25519)
///        label length                  u16 big-endian
///        label                         UTF-8, at most MaxLabelBytes)
/// </code>
/// <para>Signed bytes (what the owner signs and every reader verifies, byte for byte):</para>
/// <code>
///   "epost/signed-object/v1"           22 ASCII bytes, no terminator
///   id                                 20 bytes (binds owner key and label through the derivation above)
///   version                            u64 big-endian
///   payload length                     u32 big-endian
///   payload
/// </code>
/// The signature never covers a re-serialised object, only these bytes, so any implementation can check it.
/// </remarks>
public sealed class SignedObject : StoredObject
{
    /// <summary>Domain tag that starts the signed bytes.</summary>
    public const string SignatureDomain = "epost/signed-object/v1";

    /// <summary>Domain tag that starts the id derivation.</summary>
    public const string IdDomain = "epost/signed-object-id/v1";

    /// <summary>Longest label, in UTF-8 bytes: labels name things ("inbox", "root"), they do not carry data.</summary>
    public const int MaxLabelBytes = 256;

    /// <summary>An object as received or read back, with a claimed id and signature; check it with <see cref="ObjectValidator"/>.</summary>
    /// <exception cref="ArgumentException">When the key, signature or label cannot be encoded at all.</exception>
    public SignedObject(RingId id, ReadOnlyMemory<byte> ownerKey, string label, ulong version,
        ReadOnlyMemory<byte> payload, ReadOnlyMemory<byte> signature, DeviceEndorsement? endorsement = null) : base(id)
    {
        ArgumentNullException.ThrowIfNull(label);
        if (ownerKey.Length != Ed25519.PublicKeyLength)
            throw new ArgumentException($"An owner key is {Ed25519.PublicKeyLength} bytes, not {ownerKey.Length}.", nameof(ownerKey));
        if (signature.Length != Ed25519.SignatureLength)
            throw new ArgumentException($"A signature is {Ed25519.SignatureLength} bytes, not {signature.Length}.", nameof(signature));
        var labelBytes = EncodeLabel(label).Length;
        OwnerKey = ownerKey;
        Label = label;
        Version = version;
        Payload = payload;
        Signature = signature;
        LabelByteCount = labelBytes;
        Endorsement = endorsement;
    }

    /// <summary>
    /// Set when one of the owner's devices signed this object (<see cref="Signature"/> is then by
    /// <see cref="DeviceEndorsement.SignerKey"/> over <see cref="DeviceSignedBytes"/>); null when the owner key signed it.
    /// </summary>
    public DeviceEndorsement? Endorsement { get; }

    /// <summary>The number of the device list this object carries, or 0.</summary>
    public ulong DeviceListNumber => Endorsement?.TryList(out _)?.Number ?? 0;

    /// <summary>The owner's raw Ed25519 public key.</summary>
    public ReadOnlyMemory<byte> OwnerKey { get; }

    /// <summary>The owner's name for this object; with the key it fixes the id.</summary>
    public string Label { get; }

    /// <summary>Higher versions replace lower ones.</summary>
    public ulong Version { get; }

    /// <summary>The application's bytes.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>Ed25519 signature over <see cref="SignedBytes()"/>.</summary>
    public ReadOnlyMemory<byte> Signature { get; }

    internal int LabelByteCount { get; }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <inheritdoc />
    public override ObjectKind Kind => ObjectKind.SignedObject;

    /// <inheritdoc />
    public override int EncodedLength => ObjectCodec.SignedObjectOverhead + LabelByteCount + Payload.Length +
        (Endorsement is { } e ? Ed25519.PublicKeyLength + 4 + e.EncodedList.Length : 0);

    /// <summary>Creates and signs version <paramref name="version"/> of the owner's object <paramref name="label"/>.</summary>
    public static SignedObject Create(Ed25519KeyPair owner, string label, ulong version, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var ownerKey = owner.PublicKey;
        var id = IdFor(ownerKey, label);
        var payloadCopy = payload.ToArray();
        var signature = owner.Sign(SignedBytes(id, version, payloadCopy));
        return new SignedObject(id, ownerKey, label, version, payloadCopy, signature);
    }

    /// <summary>
    /// Creates version <paramref name="version"/> of the object <paramref name="label"/> of the user whose key is
    /// <paramref name="ownerKey"/>, signed by one of the user's devices named in <paramref name="list"/>.
    /// </summary>
    public static SignedObject CreateByDevice(Ed25519KeyPair device, ReadOnlySpan<byte> ownerKey, string label, ulong version, ReadOnlySpan<byte> payload, Core.Devices.DeviceList list)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(list);
        var id = IdFor(ownerKey, label);
        var payloadCopy = payload.ToArray();
        var signer = device.PublicKey;
        var signature = device.Sign(DeviceSignedBytes(id, version, signer, list.Number, payloadCopy));
        return new SignedObject(id, ownerKey.ToArray(), label, version, payloadCopy, signature, new DeviceEndorsement(signer, list.Encode()));
    }

    /// <summary>Domain tag that starts the bytes a device signs.</summary>
    public const string DeviceSignatureDomain = "epost/device-signed-object/v1";

    /// <summary>
    /// The bytes a device signs: "epost/device-signed-object/v1" ‖ id ‖ version (u64) ‖ signer key (32) ‖ device
    /// list number (u64) ‖ payload length (u32) ‖ payload. The list number is signed so that nobody can pass the
    /// object off as written under another list.
    /// </summary>
    public static byte[] DeviceSignedBytes(RingId id, ulong version, ReadOnlySpan<byte> signerKey, ulong listNumber, ReadOnlySpan<byte> payload)
    {
        var bytes = new byte[DeviceSignatureDomain.Length + RingId.ByteLength + 8 + 32 + 8 + 4 + payload.Length];
        var offset = Encoding.ASCII.GetBytes(DeviceSignatureDomain, bytes);
        id.WriteBytes(bytes.AsSpan(offset));
        offset += RingId.ByteLength;
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(offset), version);
        signerKey.CopyTo(bytes.AsSpan(offset + 8));
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(offset + 40), listNumber);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(offset + 48), (uint)payload.Length);
        payload.CopyTo(bytes.AsSpan(offset + 52));
        return bytes;
    }

    /// <summary>The id of an owner's object with a label (see the remarks for the exact bytes).</summary>
    /// <exception cref="ArgumentException">When the key is not 32 bytes or the label is too long.</exception>
    public static RingId IdFor(ReadOnlySpan<byte> ownerKey, string label)
    {
        if (ownerKey.Length != Ed25519.PublicKeyLength)
            throw new ArgumentException($"An owner key is {Ed25519.PublicKeyLength} bytes, not {ownerKey.Length}.", nameof(ownerKey));
        var labelBytes = EncodeLabel(label);
        var input = new byte[IdDomain.Length + Ed25519.PublicKeyLength + 2 + labelBytes.Length];
        var offset = Encoding.ASCII.GetBytes(IdDomain, input);
        ownerKey.CopyTo(input.AsSpan(offset));
        offset += Ed25519.PublicKeyLength;
        BinaryPrimitives.WriteUInt16BigEndian(input.AsSpan(offset), (ushort)labelBytes.Length);
        labelBytes.CopyTo(input.AsSpan(offset + 2));
        return RingId.FromSha256(input);
    }

    /// <summary>The exact bytes the signature covers (see the remarks for the layout).</summary>
    public static byte[] SignedBytes(RingId id, ulong version, ReadOnlySpan<byte> payload)
    {
        var bytes = new byte[SignatureDomain.Length + RingId.ByteLength + 8 + 4 + payload.Length];
        var offset = Encoding.ASCII.GetBytes(SignatureDomain, bytes);
        id.WriteBytes(bytes.AsSpan(offset));
        offset += RingId.ByteLength;
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(offset), version);
        offset += 8;
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(offset), (uint)payload.Length);
        payload.CopyTo(bytes.AsSpan(offset + 4));
        return bytes;
    }

    /// <summary>The label's UTF-8 bytes; refuses labels that are too long or are not well-formed text (lone surrogates).</summary>
    internal static byte[] EncodeLabel(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        byte[] bytes;
        try
        {
            bytes = StrictUtf8.GetBytes(label);
        }
        catch (EncoderFallbackException)
        {
            throw new ArgumentException("A label must be well-formed Unicode text.", nameof(label));
        }
        if (bytes.Length > MaxLabelBytes)
            throw new ArgumentException($"A label is at most {MaxLabelBytes} UTF-8 bytes, not {bytes.Length}.", nameof(label));
        return bytes;
    }

    /// <summary>The bytes this object's signature must cover.</summary>
    public byte[] SignedBytes() => Endorsement is { } e
        ? DeviceSignedBytes(Id, Version, e.SignerKey.Span, DeviceListNumber, Payload.Span)
        : SignedBytes(Id, Version, Payload.Span);

    /// <summary>True when the id is the one the owner key and label derive.</summary>
    public bool IdMatchesOwner() => IdFor(OwnerKey.Span, Label) == Id;

    /// <summary>True when the signature verifies under the owner key, or under a device key the owner's attached device list names as active.</summary>
    public bool SignatureIsValid() => SignatureProblem() is null;

    /// <summary>Null when the signature is the owner's or an active device's of the owner (<see cref="DeviceEndorsement.Problem"/>), else the reason.</summary>
    public string? SignatureProblem()
    {
        if (Endorsement is not { } e)
            return Ed25519.Verify(OwnerKey.Span, SignedBytes(), Signature.Span) ? null : "the signature does not verify under its owner key";
        if (e.Problem(OwnerKey.Span) is { } problem) return problem;
        return Ed25519.Verify(e.SignerKey.Span, SignedBytes(), Signature.Span) ? null : "the device signature does not verify under the signer key";
    }
}
