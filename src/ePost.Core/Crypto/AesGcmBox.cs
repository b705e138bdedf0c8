using System.Security.Cryptography;

namespace ePost.Core.Crypto;

/// <summary>AES-256-GCM authenticated encryption in one self-contained box: nonce (12) ‖ ciphertext ‖ tag (16).</summary>
/// <remarks>
/// Every seal draws a fresh random nonce, so a key may seal many messages (up to the usual 2^32 random-nonce bound).
/// Opening is strict: any changed byte of the box, a different key or different associated data is refused, and
/// nothing of the plaintext is released unless the tag checks.
/// </remarks>
public static class AesGcmBox
{
    /// <summary>Bytes in a key (AES-256).</summary>
    public const int KeyLength = 32;

    /// <summary>Bytes in a nonce.</summary>
    public const int NonceLength = 12;

    /// <summary>Bytes in an authentication tag.</summary>
    public const int TagLength = 16;

    /// <summary>Bytes a box adds to its plaintext.</summary>
    public const int Overhead = NonceLength + TagLength;

    /// <summary>Seals <paramref name="plaintext"/> under <paramref name="key"/> with a random nonce, authenticating <paramref name="associatedData"/> too.</summary>
    /// <exception cref="ArgumentException">When the key is not 32 bytes.</exception>
    public static byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData, RandomNumberGenerator random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Span<byte> nonce = stackalloc byte[NonceLength];
        random.GetBytes(nonce);
        var box = new byte[Overhead + plaintext.Length];
        nonce.CopyTo(box);
        SealInto(key, nonce, plaintext, associatedData, box.AsSpan(NonceLength));
        return box;
    }

    /// <summary>The plaintext of <paramref name="box"/>.</summary>
    /// <exception cref="ArgumentException">When the key is not 32 bytes.</exception>
    /// <exception cref="CryptographicException">When the box is too short, or was altered, or the key or associated data differ from the seal's.</exception>
    public static byte[] Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> box, ReadOnlySpan<byte> associatedData)
    {
        CheckKey(key);
        if (box.Length < Overhead)
            throw new CryptographicException($"An AES-GCM box is at least {Overhead} bytes; this one has {box.Length}.");
        return OpenFrom(key, box[..NonceLength], box[NonceLength..], associatedData);
    }

    /// <summary>Like <see cref="Open"/>, but false instead of an exception for any box that does not open.</summary>
    public static bool TryOpen(ReadOnlySpan<byte> key, ReadOnlySpan<byte> box, ReadOnlySpan<byte> associatedData, out byte[] plaintext)
    {
        try
        {
            plaintext = Open(key, box, associatedData);
            return true;
        }
        catch (CryptographicException)
        {
            plaintext = [];
            return false;
        }
    }

    /// <summary>Writes ciphertext ‖ tag for a caller-chosen nonce into <paramref name="destination"/> (plaintext length + 16).</summary>
    /// <remarks>Internal: a caller-chosen nonce is only safe when the key can never seal a second plaintext (see <see cref="ConvergentEncryption"/>).</remarks>
    internal static void SealInto(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData, Span<byte> destination)
    {
        CheckKey(key);
        using var aes = new AesGcm(key, TagLength);
        aes.Encrypt(nonce, plaintext, destination[..plaintext.Length], destination.Slice(plaintext.Length, TagLength), associatedData);
    }

    /// <summary>Opens ciphertext ‖ tag sealed with <paramref name="nonce"/>.</summary>
    /// <exception cref="CryptographicException">When the tag does not check.</exception>
    internal static byte[] OpenFrom(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertextAndTag, ReadOnlySpan<byte> associatedData)
    {
        CheckKey(key);
        if (ciphertextAndTag.Length < TagLength)
            throw new CryptographicException($"An AES-GCM ciphertext carries a {TagLength}-byte tag; this one has {ciphertextAndTag.Length} bytes in all.");
        var length = ciphertextAndTag.Length - TagLength;
        var plaintext = new byte[length];
        using var aes = new AesGcm(key, TagLength);
        try
        {
            aes.Decrypt(nonce, ciphertextAndTag[..length], ciphertextAndTag[length..], plaintext, associatedData);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new CryptographicException("AES-GCM authentication failed: the data was altered, or the key or associated data are not the ones it was sealed with.", e);
        }
        return plaintext;
    }

    private static void CheckKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeyLength)
            throw new ArgumentException($"An AES-256-GCM key is {KeyLength} bytes, not {key.Length}.", nameof(key));
    }
}
