using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using ePost.Core.Ids;

namespace ePost.Core.Crypto;

/// <summary>A user's identity as the ring CA vouches for it: address, Ed25519 signing key, X25519 encryption key, signed by the CA.</summary>
/// <remarks>
/// Canonical encoding (all integers big-endian), the exact bytes that are signed, stored and published:
/// <code>
/// "EPCERT" (6 ASCII bytes) ‖ version (1 byte, 0x01) ‖ issuer CA Ed25519 public key (32) ‖ serial (u64)
///   ‖ address length (u16) ‖ address (UTF-8, lower case, trimmed) ‖ signing public key (32)
///   ‖ encryption public key (32) ‖ Ed25519 signature by the CA over every preceding byte (64)
/// </code>
/// There is exactly one encoding per certificate: the decoder refuses trailing bytes, an address that is not in
/// normal form, and any other version. The magic prefix separates certificate signatures from every other thing
/// the CA key could sign. The serial is the CA's counter, not a time, so nothing depends on a wall clock.
/// </remarks>
public sealed class UserCertificate
{
    /// <summary>The version this code writes and the only one it reads.</summary>
    public const byte Version = 1;

    /// <summary>Longest address, in UTF-8 bytes (RFC 5321's path limit).</summary>
    public const int MaxAddressBytes = 254;

    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("EPCERT");
    private const int FixedLength = 6 + 1 + Ed25519.PublicKeyLength + 8 + 2 + Ed25519.PublicKeyLength + X25519.PublicKeyLength + Ed25519.SignatureLength;

    /// <summary>Largest possible encoding.</summary>
    public const int MaxEncodedLength = FixedLength + MaxAddressBytes;

    private readonly byte[] _encoded;

    private UserCertificate(byte[] encoded, string address, ulong serial)
    {
        _encoded = encoded;
        Address = address;
        Serial = serial;
    }

    /// <summary>The user's address in normal form (trimmed, lower case).</summary>
    public string Address { get; }

    /// <summary>The user's ring id: <see cref="RingId.ForAddress"/> of the address; where the certificate is published.</summary>
    public RingId UserId => RingId.ForAddress(Address);

    /// <summary>The CA's serial number for this certificate; a later reissue for the same address has a larger one.</summary>
    public ulong Serial { get; }

    /// <summary>The public key of the CA that signed this certificate.</summary>
    public byte[] IssuerPublicKey => _encoded.AsSpan(IssuerOffset, Ed25519.PublicKeyLength).ToArray();

    /// <summary>The user's Ed25519 public key: verifies the user's log heads and notifications.</summary>
    public byte[] SigningPublicKey => _encoded.AsSpan(SigningOffset, Ed25519.PublicKeyLength).ToArray();

    /// <summary>The user's X25519 public key: what keys are wrapped for (<see cref="KeyWrap"/>).</summary>
    public byte[] EncryptionPublicKey => _encoded.AsSpan(SigningOffset + Ed25519.PublicKeyLength, X25519.PublicKeyLength).ToArray();

    /// <summary>The CA's signature over <see cref="SignedBytes"/>.</summary>
    public byte[] Signature => _encoded.AsSpan(_encoded.Length - Ed25519.SignatureLength).ToArray();

    /// <summary>A copy of the canonical encoding.</summary>
    public byte[] Encode() => (byte[])_encoded.Clone();

    internal ReadOnlySpan<byte> SignedBytes => _encoded.AsSpan(0, _encoded.Length - Ed25519.SignatureLength);

    private const int IssuerOffset = 7;
    private int SigningOffset => IssuerOffset + Ed25519.PublicKeyLength + 8 + 2 + Encoding.UTF8.GetByteCount(Address);

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

    /// <summary>The certificate encoded in <paramref name="encoded"/>; the signature is not checked here (see <see cref="CertificateAuthority.Verify(ReadOnlySpan{byte}, UserCertificate)"/>).</summary>
    /// <exception cref="FormatException">With the reason, when the bytes are not a canonical version-1 certificate.</exception>
    public static UserCertificate Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length < FixedLength || encoded.Length > MaxEncodedLength)
            throw new FormatException($"A certificate is {FixedLength}..{MaxEncodedLength} bytes; this one has {encoded.Length}.");
        if (!encoded[..Magic.Length].SequenceEqual(Magic))
            throw new FormatException("Not a certificate: the EPCERT prefix is missing.");
        if (encoded[Magic.Length] != Version)
            throw new FormatException($"Unknown certificate version {encoded[Magic.Length]}; this node reads version {Version}.");
        var serial = BinaryPrimitives.ReadUInt64BigEndian(encoded[(IssuerOffset + Ed25519.PublicKeyLength)..]);
        var addressLength = BinaryPrimitives.ReadUInt16BigEndian(encoded[(IssuerOffset + Ed25519.PublicKeyLength + 8)..]);
        if (encoded.Length != FixedLength + addressLength)
            throw new FormatException($"The certificate's address length ({addressLength}) does not match its size ({encoded.Length} bytes).");
        string address;
        try
        {
            address = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(encoded.Slice(IssuerOffset + Ed25519.PublicKeyLength + 10, addressLength));
        }
        catch (DecoderFallbackException)
        {
            throw new FormatException("The certificate's address is not valid UTF-8.");
        }
        if (!TryCheckAddress(address, out var problem))
            throw new FormatException($"The certificate's address is not usable: {problem}.");
        if (address != address.Trim().ToLowerInvariant())
            throw new FormatException("The certificate's address is not in normal form (trimmed, lower case).");
        return new UserCertificate(encoded.ToArray(), address, serial);
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
        var addressBytes = Encoding.UTF8.GetBytes(normalAddress);
        var encoded = new byte[FixedLength + addressBytes.Length];
        var span = encoded.AsSpan();
        Magic.CopyTo(span);
        span[Magic.Length] = Version;
        ca.PublicKey.CopyTo(span[IssuerOffset..]);
        var at = IssuerOffset + Ed25519.PublicKeyLength;
        BinaryPrimitives.WriteUInt64BigEndian(span[at..], serial);
        BinaryPrimitives.WriteUInt16BigEndian(span[(at + 8)..], (ushort)addressBytes.Length);
        at += 10;
        addressBytes.CopyTo(span[at..]);
        at += addressBytes.Length;
        signingPublicKey.CopyTo(span[at..]);
        at += Ed25519.PublicKeyLength;
        encryptionPublicKey.CopyTo(span[at..]);
        at += X25519.PublicKeyLength;
        ca.Sign(span[..at]).CopyTo(span[at..]);
        return new UserCertificate(encoded, normalAddress, serial);
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
    public override string ToString() => $"UserCertificate({Address}, serial {Serial}, issuer {Convert.ToHexStringLower(_encoded.AsSpan(IssuerOffset, 8))}…)";
}
