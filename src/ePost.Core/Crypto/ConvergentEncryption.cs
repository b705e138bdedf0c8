using System.Security.Cryptography;
using System.Text;
using ePost.Core.Hashing;
using ePost.Core.Ids;

namespace ePost.Core.Crypto;

/// <summary>Content-hash (convergent) encryption of message content: equal plaintexts give equal ciphertexts, so the ring stores them once.</summary>
/// <remarks>
/// key = SHA-256(plaintext); ciphertext = AES-256-GCM(key, nonce, plaintext) as ciphertext ‖ tag (no nonce stored);
/// id = <see cref="RingId.FromSha256"/>(ciphertext). The nonce is the first 12 bytes of
/// SHA-256("epost/convergent-nonce/v1" ‖ key). GCM's rule is "never one nonce with one key for two different
/// plaintexts"; here the key is the hash of the plaintext, so a key only ever encrypts that one plaintext, and
/// repeating the nonce just repeats the same ciphertext, which is exactly the dedup we want. A random nonce would
/// defeat dedup. The known price of convergent encryption: whoever already has a plaintext can confirm that a block
/// holds it; that is accepted for message parts (DESIGN.md section 5), and per-log keys protect everything else.
/// </remarks>
public static class ConvergentEncryption
{
    private static readonly byte[] NonceDomain = Encoding.ASCII.GetBytes("epost/convergent-nonce/v1");

    /// <summary>Encrypts <paramref name="plaintext"/> into its convergent block.</summary>
    public static ConvergentBlock Encrypt(ReadOnlySpan<byte> plaintext)
    {
        var key = Sha256.Hash(plaintext);
        var ciphertext = new byte[plaintext.Length + AesGcmBox.TagLength];
        AesGcmBox.SealInto(key, NonceFor(key), plaintext, [], ciphertext);
        return new ConvergentBlock(RingId.FromSha256(ciphertext), key, ciphertext);
    }

    /// <summary>The plaintext of <paramref name="ciphertext"/> under its content key.</summary>
    /// <exception cref="ArgumentException">When the key is not 32 bytes.</exception>
    /// <exception cref="CryptographicException">When the ciphertext was altered or is not the one this key produces, or the plaintext does not hash to the key.</exception>
    public static byte[] Decrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> ciphertext)
    {
        if (key.Length != Sha256.Length)
            throw new ArgumentException($"A convergent key is {Sha256.Length} bytes, not {key.Length}.", nameof(key));
        var plaintext = AesGcmBox.OpenFrom(key, NonceFor(key), ciphertext, []);
        // The tag already proves the key sealed these bytes; the hash check also catches a key that a forger chose
        // freely (someone who writes a block with an arbitrary key), so a reader only ever accepts true content keys.
        if (!Sha256.Matches(plaintext, key))
            throw new CryptographicException("The decrypted content does not hash to its key: the block was not made by convergent encryption.");
        return plaintext;
    }

    /// <summary>Decrypts and also checks that the ciphertext is the one stored under <paramref name="id"/>.</summary>
    /// <exception cref="CryptographicException">When the ciphertext does not hash to <paramref name="id"/>, or <see cref="Decrypt(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> refuses it.</exception>
    public static byte[] Decrypt(RingId id, ReadOnlySpan<byte> key, ReadOnlySpan<byte> ciphertext)
    {
        if (RingId.FromSha256(ciphertext) != id)
            throw new CryptographicException($"The ciphertext does not hash to the block id {id}.");
        return Decrypt(key, ciphertext);
    }

    private static byte[] NonceFor(ReadOnlySpan<byte> key)
    {
        var input = new byte[NonceDomain.Length + key.Length];
        NonceDomain.CopyTo(input, 0);
        key.CopyTo(input.AsSpan(NonceDomain.Length));
        return Sha256.Hash(input)[..AesGcmBox.NonceLength];
    }
}
