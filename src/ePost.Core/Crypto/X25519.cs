using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Agreement;
using Org.BouncyCastle.Crypto.Parameters;

namespace ePost.Core.Crypto;

/// <summary>X25519 Diffie-Hellman key agreement (RFC 7748), the one key-agreement primitive of the ring.</summary>
/// <remarks>
/// The raw shared secret is never used as a key by itself: callers feed it through <see cref="Hkdf"/> together with
/// both public keys (see <see cref="KeyWrap"/>). An all-zero result means the peer sent a low-order point, which
/// would make the "secret" known to everyone, so it is refused rather than returned.
/// </remarks>
public static class X25519
{
    /// <summary>Bytes in a private key.</summary>
    public const int PrivateKeyLength = 32;

    /// <summary>Bytes in a public key.</summary>
    public const int PublicKeyLength = 32;

    /// <summary>Bytes in a shared secret.</summary>
    public const int SharedSecretLength = 32;

    /// <summary>A fresh key pair whose private key is drawn from <paramref name="random"/>.</summary>
    public static X25519KeyPair Generate(RandomNumberGenerator random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var privateKey = new byte[PrivateKeyLength];
        random.GetBytes(privateKey);
        return FromPrivateKey(privateKey);
    }

    /// <summary>The key pair of a 32-byte private key (any 32 bytes are a valid key: RFC 7748 clamps them).</summary>
    /// <exception cref="ArgumentException">When the private key is not 32 bytes.</exception>
    public static X25519KeyPair FromPrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != PrivateKeyLength)
            throw new ArgumentException($"An X25519 private key is {PrivateKeyLength} bytes, not {privateKey.Length}.", nameof(privateKey));
        var copy = privateKey.ToArray();
        var publicKey = new X25519PrivateKeyParameters(copy, 0).GeneratePublicKey().GetEncoded();
        return new X25519KeyPair(copy, publicKey);
    }

    /// <summary>The public key of a private key.</summary>
    /// <exception cref="ArgumentException">When the private key is not 32 bytes.</exception>
    public static byte[] PublicKeyOf(ReadOnlySpan<byte> privateKey) => FromPrivateKey(privateKey).PublicKey;

    /// <summary>The 32-byte shared secret of our private key and the peer's public key.</summary>
    /// <exception cref="ArgumentException">When either key is not 32 bytes.</exception>
    /// <exception cref="CryptographicException">When the peer key is a low-order point (the secret would be all zeros).</exception>
    public static byte[] Agree(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> peerPublicKey)
    {
        if (privateKey.Length != PrivateKeyLength)
            throw new ArgumentException($"An X25519 private key is {PrivateKeyLength} bytes, not {privateKey.Length}.", nameof(privateKey));
        if (peerPublicKey.Length != PublicKeyLength)
            throw new ArgumentException($"An X25519 public key is {PublicKeyLength} bytes, not {peerPublicKey.Length}.", nameof(peerPublicKey));
        var agreement = new X25519Agreement();
        agreement.Init(new X25519PrivateKeyParameters(privateKey.ToArray(), 0));
        var secret = new byte[SharedSecretLength];
        try
        {
            // BouncyCastle itself throws when the result is all zeros; normalize whatever it throws to one exception type.
            agreement.CalculateAgreement(new X25519PublicKeyParameters(peerPublicKey.ToArray(), 0), secret, 0);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            throw new CryptographicException("X25519 agreement failed: the peer public key is a low-order point.", e);
        }
        if (CryptographicOperations.FixedTimeEquals(secret, new byte[SharedSecretLength]))
            throw new CryptographicException("X25519 agreement failed: the peer public key is a low-order point.");
        return secret;
    }
}
