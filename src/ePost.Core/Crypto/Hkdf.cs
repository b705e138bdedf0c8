using System.Security.Cryptography;

namespace ePost.Core.Crypto;

/// <summary>HKDF-SHA-256 (RFC 5869): turns a shared secret or hash into keys bound to a purpose.</summary>
public static class Hkdf
{
    /// <summary>The most bytes one derivation can produce (255 SHA-256 blocks).</summary>
    public const int MaxOutputLength = 255 * 32;

    /// <summary>Extract-then-expand <paramref name="length"/> bytes from <paramref name="secret"/>, bound to <paramref name="salt"/> and <paramref name="info"/>.</summary>
    /// <exception cref="ArgumentException">When the secret is empty or the length is outside 1..8160.</exception>
    public static byte[] DeriveKey(ReadOnlySpan<byte> secret, int length, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> info)
    {
        if (secret.IsEmpty)
            throw new ArgumentException("HKDF needs a non-empty input secret.", nameof(secret));
        if (length is < 1 or > MaxOutputLength)
            throw new ArgumentException($"HKDF-SHA-256 derives 1..{MaxOutputLength} bytes, not {length}.", nameof(length));
        var output = new byte[length];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, output, salt, info);
        return output;
    }
}
