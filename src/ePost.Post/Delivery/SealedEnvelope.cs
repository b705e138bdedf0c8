using System.Security.Cryptography;
using ePost.Core.Crypto;
using ePost.Post.Binary;

namespace ePost.Post.Delivery;

/// <summary>
/// Signs a plaintext and encrypts it for one user, as notifications and receipts travel: only that user reads it, and
/// it proves its signer. Layout: u32 length | KeyWrap of a fresh content key for the addressee (context domain ‖ "|"
/// ‖ addressee address) | AES-256-GCM box of (plaintext ‖ Ed25519 signature over domain ‖ plaintext), the same context
/// as associated data. The domain keeps a notification's signature from passing as a receipt's, and the reverse.
/// </summary>
internal static class SealedEnvelope
{
    public static byte[] Seal(string domain, Ed25519KeyPair signer, UserCertificate addressee, byte[] plaintext, RandomNumberGenerator random)
    {
        var signature = signer.Sign(Signed(domain, plaintext));
        var context = Context(domain, addressee.Address);
        var key = RandomNumberGenerator.GetBytes(32);
        try
        {
            var wrap = KeyWrap.Wrap(addressee.EncryptionPublicKey, key, context, random);
            var box = AesGcmBox.Seal(key, [.. plaintext, .. signature], context, random);
            return new FieldWriter().Bytes(wrap).Raw(box).ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Decrypts with the addressee's keys; the signature is returned unchecked.</summary>
    /// <exception cref="CryptographicException">When it is not for this addressee and domain, or was altered.</exception>
    /// <exception cref="FormatException">When it is malformed.</exception>
    public static (byte[] Plaintext, byte[] Signature) Open(string domain, ReadOnlySpan<byte> sealedBytes, UserKeys addressee, string what)
    {
        var context = Context(domain, addressee.Certificate.Address);
        var reader = new FieldReader(sealedBytes, what);
        var wrap = reader.Bytes(KeyWrap.Overhead + KeyWrap.MaxKeyLength);
        var box = reader.Raw(reader.Remaining);
        var key = KeyWrap.Unwrap(addressee.Encryption.PrivateKey, wrap, context);
        byte[] opened;
        try
        {
            opened = AesGcmBox.Open(key, box, context);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
        if (opened.Length < Ed25519.SignatureLength) throw new FormatException($"A {what} is too short to hold a signature.");
        return (opened[..^Ed25519.SignatureLength], opened[^Ed25519.SignatureLength..]);
    }

    public static bool Verify(string domain, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> signature, ReadOnlySpan<byte> signerKey) =>
        Ed25519.Verify(signerKey, Signed(domain, plaintext), signature);

    private static byte[] Signed(string domain, ReadOnlySpan<byte> plaintext) => [.. System.Text.Encoding.ASCII.GetBytes(domain), .. plaintext];

    private static byte[] Context(string domain, string addressee) => System.Text.Encoding.UTF8.GetBytes(domain + "|" + addressee);
}
