using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace ePost.Core.Crypto;

/// <summary>Ed25519 signatures (RFC 8032, pure EdDSA without context), the one signing primitive of the ring.</summary>
/// <remarks>
/// Keys travel as raw bytes: a 32-byte private seed and a 32-byte public key, exactly as RFC 8032 defines them, so
/// any other implementation can check our signatures. Verification never throws: everything it is handed may come
/// from the network, and "malformed" is just another way of "not valid".
/// </remarks>
public static class Ed25519
{
    /// <summary>Bytes in a private key (the RFC 8032 seed).</summary>
    public const int PrivateKeyLength = 32;

    /// <summary>Bytes in a public key.</summary>
    public const int PublicKeyLength = 32;

    /// <summary>Bytes in a signature.</summary>
    public const int SignatureLength = 64;

    /// <summary>A fresh key pair whose seed is drawn from <paramref name="random"/>.</summary>
    public static Ed25519KeyPair Generate(RandomNumberGenerator random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Span<byte> seed = stackalloc byte[PrivateKeyLength];
        random.GetBytes(seed);
        try
        {
            return FromSeed(seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>The key pair that a 32-byte seed determines (RFC 8032 section 5.1.5).</summary>
    /// <exception cref="ArgumentException">When the seed is not 32 bytes.</exception>
    public static Ed25519KeyPair FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != PrivateKeyLength)
            throw new ArgumentException($"An Ed25519 seed is {PrivateKeyLength} bytes, not {seed.Length}.", nameof(seed));
        var privateKey = seed.ToArray();
        var publicKey = new Ed25519PrivateKeyParameters(privateKey, 0).GeneratePublicKey().GetEncoded();
        return new Ed25519KeyPair(privateKey, publicKey);
    }

    /// <summary>The public key of a private key.</summary>
    /// <exception cref="ArgumentException">When the private key is not 32 bytes.</exception>
    public static byte[] PublicKeyOf(ReadOnlySpan<byte> privateKey) => FromSeed(privateKey).PublicKey;

    /// <summary>The 64-byte signature of <paramref name="message"/> (deterministic: the same key and message always give the same bytes).</summary>
    /// <exception cref="ArgumentException">When the private key is not 32 bytes.</exception>
    public static byte[] Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message)
    {
        if (privateKey.Length != PrivateKeyLength)
            throw new ArgumentException($"An Ed25519 private key is {PrivateKeyLength} bytes, not {privateKey.Length}.", nameof(privateKey));
        var signer = new Ed25519Signer();
        signer.Init(forSigning: true, new Ed25519PrivateKeyParameters(privateKey));
        signer.BlockUpdate(message);
        return signer.GenerateSignature();
    }

    /// <summary>True when <paramref name="publicKey"/> is a 32-byte encoding of a point on the curve.</summary>
    public static bool IsValidPublicKey(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != PublicKeyLength) return false;
        try
        {
            return new Ed25519PublicKeyParameters(publicKey).GetEncoded().Length == PublicKeyLength;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    /// <summary>True only when <paramref name="signature"/> is a valid signature of <paramref name="message"/> by <paramref name="publicKey"/>; false for any malformed key or signature.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PublicKeyLength || signature.Length != SignatureLength) return false;
        try
        {
            // The constructor rejects encodings that are not points on the curve; the verifier rejects
            // non-canonical scalars (S >= L), so signature malleability is refused too.
            var key = new Ed25519PublicKeyParameters(publicKey);
            var verifier = new Ed25519Signer();
            verifier.Init(forSigning: false, key);
            verifier.BlockUpdate(message);
            return verifier.VerifySignature(signature.ToArray());
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }
}
