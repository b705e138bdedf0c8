using System.Security.Cryptography;

namespace ePost.Core.Crypto;

/// <summary>The ring's certificate authority: an Ed25519 key that issues user certificates, and the check every node applies to them.</summary>
/// <remarks>The operator keeps the CA key offline in a <see cref="PassphraseKeyFile"/>; nodes are configured with its public key only.</remarks>
public sealed class CertificateAuthority
{
    // Any scalar works: X25519 clamps scalars to multiples of 8, which send every low-order point to zero.
    private static readonly byte[] LowOrderProbe = Enumerable.Repeat((byte)0x5a, X25519.PrivateKeyLength).ToArray();

    private readonly Ed25519KeyPair _key;

    private CertificateAuthority(Ed25519KeyPair key) => _key = key;

    /// <summary>A new CA with a fresh key.</summary>
    public static CertificateAuthority Create(RandomNumberGenerator random) => new(Ed25519.Generate(random));

    /// <summary>The CA whose 32-byte Ed25519 private seed this is (as read back from its key file).</summary>
    /// <exception cref="ArgumentException">When the seed is not 32 bytes.</exception>
    public static CertificateAuthority FromPrivateKey(ReadOnlySpan<byte> privateKey) => new(Ed25519.FromSeed(privateKey));

    /// <summary>The CA public key that nodes are configured with.</summary>
    public byte[] PublicKey => _key.PublicKey;

    /// <summary>A copy of the CA's private seed, for its key file only.</summary>
    public byte[] PrivateKey => _key.PrivateKey;

    /// <summary>Signs a certificate binding <paramref name="address"/> (normalized) to the two public keys.</summary>
    /// <exception cref="ArgumentException">When the address is not usable, or a key is the wrong length or not a usable point.</exception>
    public UserCertificate Issue(string address, ReadOnlySpan<byte> signingPublicKey, ReadOnlySpan<byte> encryptionPublicKey, ulong serial)
    {
        var normal = UserCertificate.NormalizeAddress(address);
        if (signingPublicKey.Length != Ed25519.PublicKeyLength)
            throw new ArgumentException($"An Ed25519 public key is {Ed25519.PublicKeyLength} bytes, not {signingPublicKey.Length}.", nameof(signingPublicKey));
        if (encryptionPublicKey.Length != X25519.PublicKeyLength)
            throw new ArgumentException($"An X25519 public key is {X25519.PublicKeyLength} bytes, not {encryptionPublicKey.Length}.", nameof(encryptionPublicKey));
        try
        {
            // A low-order encryption key would make every wrap for this user readable by anyone: refuse to certify it.
            X25519.Agree(LowOrderProbe, encryptionPublicKey);
        }
        catch (CryptographicException e)
        {
            throw new ArgumentException("The encryption public key is a low-order X25519 point.", nameof(encryptionPublicKey), e);
        }
        return UserCertificate.Create(_key, normal, serial, signingPublicKey, encryptionPublicKey);
    }

    /// <summary>Creates a user's keys (fresh Ed25519 and X25519 pairs) and certifies them: what <c>epost ca issue</c> does.</summary>
    /// <exception cref="ArgumentException">When the address is not usable.</exception>
    public UserKeys IssueNewUser(string address, ulong serial, RandomNumberGenerator random)
    {
        var signing = Ed25519.Generate(random);
        var encryption = X25519.Generate(random);
        return new UserKeys(signing, encryption, Issue(address, signing.PublicKey, encryption.PublicKey, serial));
    }

    /// <summary>Signs a ring certificate for the node whose Ed25519 public key this is: what <c>epost ca issue-node</c> does.</summary>
    /// <exception cref="ArgumentException">When the key is not 32 bytes or not a point on the curve.</exception>
    public NodeCertificate IssueNode(ReadOnlySpan<byte> nodePublicKey, ulong serial)
    {
        if (nodePublicKey.Length != Ed25519.PublicKeyLength || !Ed25519.IsValidPublicKey(nodePublicKey))
            throw new ArgumentException($"A node public key is a valid {Ed25519.PublicKeyLength}-byte Ed25519 point.", nameof(nodePublicKey));
        return NodeCertificate.Create(NodeCertificateKind.Ring, _key.PublicKey, serial, nodePublicKey, [], m => _key.Sign(m));
    }

    /// <summary>Signs revocation list number <paramref name="number"/> naming <paramref name="nodes"/> (cumulative: include every node still revoked).</summary>
    public NodeRevocationList RevokeNodes(ulong number, IEnumerable<Ids.RingId> nodes) => NodeRevocationList.Create(_key, number, nodes);

    /// <summary>Checks that <paramref name="certificate"/> was issued and signed by the CA whose public key is <paramref name="caPublicKey"/>.</summary>
    public static CertificateVerdict Verify(ReadOnlySpan<byte> caPublicKey, UserCertificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!CryptographicOperations.FixedTimeEquals(certificate.IssuerPublicKey, caPublicKey))
            return new(CertificateRejection.OtherAuthority, $"The certificate for {certificate.Address} was issued by another CA.", certificate);
        if (!Ed25519.Verify(caPublicKey, certificate.SignedBytes, certificate.Signature))
            return new(CertificateRejection.BadSignature, $"The CA signature on the certificate for {certificate.Address} does not verify: it was forged or altered.", certificate);
        return new(CertificateRejection.None, $"Valid certificate for {certificate.Address}, serial {certificate.Serial}.", certificate);
    }

    /// <summary>Checks a certificate's published form (as the ring stores it, without the address) against the CA key.</summary>
    /// <returns>Null when valid, else the reason.</returns>
    public static string? VerifyPublished(ReadOnlySpan<byte> caPublicKey, ReadOnlySpan<byte> published)
    {
        (byte[] Issuer, ulong Serial, Ids.RingId UserId, byte[] SignedBytes, byte[] Signature) fields;
        try
        {
            fields = UserCertificate.ReadPublished(published);
        }
        catch (FormatException e)
        {
            return e.Message;
        }
        if (!CryptographicOperations.FixedTimeEquals(fields.Issuer, caPublicKey))
            return $"The certificate of user {fields.UserId.ToShortString()} was issued by another CA.";
        return Ed25519.Verify(caPublicKey, fields.SignedBytes, fields.Signature)
            ? null
            : $"The CA signature on the certificate of user {fields.UserId.ToShortString()} does not verify: it was forged or altered.";
    }

    /// <summary>Decodes and checks a certificate as received from the ring.</summary>
    public static CertificateVerdict Verify(ReadOnlySpan<byte> caPublicKey, ReadOnlySpan<byte> encodedCertificate) =>
        UserCertificate.TryDecode(encodedCertificate, out var certificate, out var reason)
            ? Verify(caPublicKey, certificate)
            : new(CertificateRejection.Malformed, reason, null);

    /// <summary>The CA public key in hex, for logs; never the private key.</summary>
    public override string ToString() => $"CertificateAuthority({Convert.ToHexStringLower(_key.PublicKey)})";
}
