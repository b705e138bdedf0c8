using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using ePost.Core.Ids;

namespace ePost.Core.Crypto;

/// <summary>A user's identity as the ring CA vouches for it: the user's id, Ed25519 signing key and X25519 encryption key, signed by the CA, together with the address.</summary>
/// <remarks>
/// <para>Canonical encoding (all integers big-endian):</para>
/// <code>
/// published form: "EPCERT" (6 ASCII bytes) ‖ version (1 byte, 0x02) ‖ issuer CA Ed25519 public key (32) ‖ serial (u64)
///                 ‖ user id (20: <see cref="RingId.ForAddress"/> of the address) ‖ signing public key (32)
///                 ‖ encryption public key (32) ‖ Ed25519 signature by the CA over every preceding byte (64)
/// full form:      published form ‖ address length (u16) ‖ address (UTF-8, lower case, trimmed)
/// </code>
/// <para>The CA signs the user id, not the address: the ring publishes only the published form (under the user id),
/// so the nodes that store certificates learn no addresses, while anyone who knows an address (a sender, a recipient
/// checking a sender) binds it to the certificate with <see cref="FromPublished"/>. Key files hold the full form.</para>
/// <para>There is exactly one encoding per certificate: the decoder refuses trailing bytes, an address that is not in
/// normal form or does not hash to the user id, and any other version. The magic prefix separates certificate
/// signatures from every other thing the CA key could sign. The serial is the CA's counter, not a time.</para>
/// </remarks>
public sealed class UserCertificate
{
    /// <summary>The version this code writes and the only one it reads.</summary>
    public const byte Version = 2;

    /// <summary>Longest address, in UTF-8 bytes (RFC 5321's path limit).</summary>
    public const int MaxAddressBytes = 254;

    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("EPCERT");
    private const int IssuerOffset = 7;
    private const int SerialOffset = IssuerOffset + Ed25519.PublicKeyLength;
    private const int UserIdOffset = SerialOffset + 8;
    private const int SigningOffset = UserIdOffset + RingId.ByteLength;
    private const int EncryptionOffset = SigningOffset + Ed25519.PublicKeyLength;
    private const int SignatureOffset = EncryptionOffset + X25519.PublicKeyLength;

    /// <summary>Length of the published form.</summary>
    public const int PublishedLength = SignatureOffset + Ed25519.SignatureLength;

    /// <summary>Largest possible full encoding.</summary>
    public const int MaxEncodedLength = PublishedLength + 2 + MaxAddressBytes;

    private readonly byte[] _published;

    private UserCertificate(byte[] published, string address)
    {
        _published = published;
        Address = address;
        Serial = BinaryPrimitives.ReadUInt64BigEndian(published.AsSpan(SerialOffset));
    }

    /// <summary>The user's address in normal form (trimmed, lower case).</summary>
    public string Address { get; }

    /// <summary>The user's ring id: <see cref="RingId.ForAddress"/> of the address; where the certificate is published.</summary>
    public RingId UserId => RingId.FromBytes(_published.AsSpan(UserIdOffset, RingId.ByteLength));

    /// <summary>The CA's serial number for this certificate; a later reissue for the same address has a larger one.</summary>
    public ulong Serial { get; }

    /// <summary>The public key of the CA that signed this certificate.</summary>
    public byte[] IssuerPublicKey => _published.AsSpan(IssuerOffset, Ed25519.PublicKeyLength).ToArray();

    /// <summary>The user's Ed25519 public key: verifies the user's log heads and notifications.</summary>
    public byte[] SigningPublicKey => _published.AsSpan(SigningOffset, Ed25519.PublicKeyLength).ToArray();

    /// <summary>The user's X25519 public key: what keys are wrapped for (<see cref="KeyWrap"/>).</summary>
    public byte[] EncryptionPublicKey => _published.AsSpan(EncryptionOffset, X25519.PublicKeyLength).ToArray();

    /// <summary>The CA's signature over <see cref="SignedBytes"/>.</summary>
    public byte[] Signature => _published.AsSpan(SignatureOffset).ToArray();

    /// <summary>The full encoding (published form and address), as key files hold it.</summary>
    public byte[] Encode()
    {
        var address = Encoding.UTF8.GetBytes(Address);
        var encoded = new byte[PublishedLength + 2 + address.Length];
        _published.CopyTo(encoded, 0);
        BinaryPrimitives.WriteUInt16BigEndian(encoded.AsSpan(PublishedLength), (ushort)address.Length);
        address.CopyTo(encoded, PublishedLength + 2);
        return encoded;
    }

    /// <summary>The published form: what the ring stores under <see cref="UserId"/>; it names no address.</summary>
    public byte[] PublishedForm() => (byte[])_published.Clone();

    internal ReadOnlySpan<byte> SignedBytes => _published.AsSpan(0, SignatureOffset);

    /// <summary>The fields of a published form, for nodes that store certificates without knowing addresses.</summary>
    /// <exception cref="FormatException">When the bytes are not a canonical published form of this version.</exception>
    public static (byte[] Issuer, ulong Serial, RingId UserId, byte[] SignedBytes, byte[] Signature) ReadPublished(ReadOnlySpan<byte> published)
    {
        CheckPublished(published);
        return (published.Slice(IssuerOffset, Ed25519.PublicKeyLength).ToArray(), BinaryPrimitives.ReadUInt64BigEndian(published[SerialOffset..]),
            RingId.FromBytes(published.Slice(UserIdOffset, RingId.ByteLength)), published[..SignatureOffset].ToArray(), published[SignatureOffset..].ToArray());
    }

    /// <summary>The user's Ed25519 signing key from a published form already checked by <see cref="ReadPublished"/> or <see cref="CertificateAuthority.VerifyPublished"/>.</summary>
    internal static byte[] SigningKeyOfPublished(ReadOnlySpan<byte> published)
    {
        CheckPublished(published);
        return published.Slice(SigningOffset, Ed25519.PublicKeyLength).ToArray();
    }

    /// <summary>The certificate of <paramref name="address"/> from its published form.</summary>
    /// <exception cref="FormatException">When the bytes are not a published form, or it is not the certificate of that address.</exception>
    /// <exception cref="ArgumentException">When the address is not usable.</exception>
    public static UserCertificate FromPublished(ReadOnlySpan<byte> published, string address)
    {
        CheckPublished(published);
        var normal = NormalizeAddress(address);
        if (RingId.FromBytes(published.Slice(UserIdOffset, RingId.ByteLength)) != RingId.ForAddress(normal))
            throw new FormatException($"The certificate is not the one of {normal}: its user id is another address's.");
        return new UserCertificate(published.ToArray(), normal);
    }

    private static void CheckPublished(ReadOnlySpan<byte> published)
    {
        if (published.Length != PublishedLength)
            throw new FormatException($"A published certificate is {PublishedLength} bytes; this one has {published.Length}.");
        if (!published[..Magic.Length].SequenceEqual(Magic))
            throw new FormatException("Not a certificate: the EPCERT prefix is missing.");
        if (published[Magic.Length] != Version)
            throw new FormatException($"Unknown certificate version {published[Magic.Length]}; this node reads version {Version}.");
    }

    /// <summary>The normal form of an address, as certificates and <see cref="RingId.ForAddress"/> use it.</summary>
    /// <exception cref="ArgumentException">When the address is empty, too long, has no local part or domain, or contains whitespace or control characters.</exception>
    public static string NormalizeAddress(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var normal = address.Trim().ToLowerInvariant();
        if (!TryCheckAddress(normal, out var problem))
            throw new ArgumentException($"'{address}' is not a usable address: {problem}.", nameof(address));
        return normal;
    }

    /// <summary>The certificate in its full encoding; the signature is not checked here (see <see cref="CertificateAuthority.Verify(ReadOnlySpan{byte}, UserCertificate)"/>).</summary>
    /// <exception cref="FormatException">With the reason, when the bytes are not a canonical full encoding of this version.</exception>
    public static UserCertificate Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length < PublishedLength + 2 || encoded.Length > MaxEncodedLength)
            throw new FormatException($"A certificate is {PublishedLength + 2}..{MaxEncodedLength} bytes; this one has {encoded.Length}.");
        var addressLength = BinaryPrimitives.ReadUInt16BigEndian(encoded[PublishedLength..]);
        if (encoded.Length != PublishedLength + 2 + addressLength)
            throw new FormatException($"The certificate's address length ({addressLength}) does not match its size ({encoded.Length} bytes).");
        string address;
        try
        {
            address = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(encoded.Slice(PublishedLength + 2, addressLength));
        }
        catch (DecoderFallbackException)
        {
            throw new FormatException("The certificate's address is not valid UTF-8.");
        }
        if (!TryCheckAddress(address, out var problem))
            throw new FormatException($"The certificate's address is not usable: {problem}.");
        if (address != address.Trim().ToLowerInvariant())
            throw new FormatException("The certificate's address is not in normal form (trimmed, lower case).");
        return FromPublished(encoded[..PublishedLength], address);
    }

    /// <summary>Like <see cref="Decode"/>, but false with the reason instead of an exception.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> encoded, [NotNullWhen(true)] out UserCertificate? certificate, out string reason)
    {
        try
        {
            certificate = Decode(encoded);
            reason = "";
            return true;
        }
        catch (FormatException e)
        {
            certificate = null;
            reason = e.Message;
            return false;
        }
    }

    /// <summary>Builds and signs a certificate; only <see cref="CertificateAuthority"/> calls this.</summary>
    internal static UserCertificate Create(Ed25519KeyPair ca, string normalAddress, ulong serial, ReadOnlySpan<byte> signingPublicKey, ReadOnlySpan<byte> encryptionPublicKey)
    {
        var published = new byte[PublishedLength];
        var span = published.AsSpan();
        Magic.CopyTo(span);
        span[Magic.Length] = Version;
        ca.PublicKey.CopyTo(span[IssuerOffset..]);
        BinaryPrimitives.WriteUInt64BigEndian(span[SerialOffset..], serial);
        RingId.ForAddress(normalAddress).WriteBytes(span[UserIdOffset..]);
        signingPublicKey.CopyTo(span[SigningOffset..]);
        encryptionPublicKey.CopyTo(span[EncryptionOffset..]);
        ca.Sign(span[..SignatureOffset]).CopyTo(span[SignatureOffset..]);
        return new UserCertificate(published, normalAddress);
    }

    private static bool TryCheckAddress(string address, out string problem)
    {
        var at = address.LastIndexOf('@');
        problem = address.Length == 0 ? "it is empty"
            : Encoding.UTF8.GetByteCount(address) > MaxAddressBytes ? $"it is longer than {MaxAddressBytes} bytes"
            : at <= 0 || at == address.Length - 1 ? "it needs a local part, '@' and a domain"
            : address.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) ? "it contains whitespace or control characters"
            : "";
        return problem.Length == 0;
    }

    /// <summary>The address, serial and issuer, for logs.</summary>
    public override string ToString() => $"UserCertificate({Address}, serial {Serial}, issuer {Convert.ToHexStringLower(_published.AsSpan(IssuerOffset, 8))}…)";
}
