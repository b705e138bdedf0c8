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
    /// <summary>Seals for the addressee's user key and, when given, for each of <paramref name="deviceKeys"/> (X25519) too.</summary>
    /// <remarks>
    /// With device keys the layout is: u8 1 | u8 count | count × (u32 length | KeyWrap), the user's wrap first | the
    /// same box: one content key, wrapped once per key, so every listed device opens it and no other key does.
    /// </remarks>
    public static byte[] Seal(string domain, Ed25519KeyPair signer, UserCertificate addressee, byte[] plaintext, RandomNumberGenerator random,
        IReadOnlyList<byte[]>? deviceKeys = null)
    {
        var signature = signer.Sign(Signed(domain, plaintext));
        var context = Context(domain, addressee.Address);
        var key = RandomNumberGenerator.GetBytes(32);
        try
        {
            var wrap = KeyWrap.Wrap(addressee.EncryptionPublicKey, key, context, random);
            var box = AesGcmBox.Seal(key, [.. plaintext, .. signature], context, random);
            if (deviceKeys is not { Count: > 0 }) return new FieldWriter().Bytes(wrap).Raw(box).ToArray();
            var writer = new FieldWriter().Byte(MultiRecipient).Byte((byte)(deviceKeys.Count + 1)).Bytes(wrap);
            foreach (var device in deviceKeys) writer.Bytes(KeyWrap.Wrap(device, key, context, random));
            return writer.Raw(box).ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Most wraps one envelope carries: the user's and one per listed device.</summary>
    public const int MaxWraps = Core.Devices.DeviceList.MaxEntries + 1;

    private const byte MultiRecipient = 1;

    /// <summary>Decrypts with the addressee's keys; the signature is returned unchecked.</summary>
    /// <exception cref="CryptographicException">When it is not for this addressee and domain, or was altered.</exception>
    /// <exception cref="FormatException">When it is malformed.</exception>
    public static (byte[] Plaintext, byte[] Signature) Open(string domain, ReadOnlySpan<byte> sealedBytes, UserKeys addressee, string what) =>
        Open(domain, sealedBytes, addressee.Certificate.Address, addressee.Encryption.PrivateKey, what);

    /// <summary>Decrypts with one X25519 private key of the addressee: the user's, or a device's the sender wrapped for.</summary>
    /// <exception cref="CryptographicException">When no wrap opens with this key, it is not for this addressee and domain, or was altered.</exception>
    /// <exception cref="FormatException">When it is malformed.</exception>
    public static (byte[] Plaintext, byte[] Signature) Open(string domain, ReadOnlySpan<byte> sealedBytes, string addressee, byte[] privateKey, string what)
    {
        var context = Context(domain, addressee);
        var reader = new FieldReader(sealedBytes, what);
        var wraps = new List<byte[]>();
        if (!sealedBytes.IsEmpty && sealedBytes[0] == MultiRecipient)
        {
            reader.Byte();
            int count = reader.Byte();
            if (count is < 2 or > MaxWraps) throw new FormatException($"A {what} has 2..{MaxWraps} wraps, not {count}.");
            for (var i = 0; i < count; i++) wraps.Add(reader.Bytes(KeyWrap.Overhead + KeyWrap.MaxKeyLength));
        }
        else
        {
            wraps.Add(reader.Bytes(KeyWrap.Overhead + KeyWrap.MaxKeyLength));
        }
        var box = reader.Raw(reader.Remaining);
        byte[]? key = null;
        foreach (var wrap in wraps)
            if (KeyWrap.TryUnwrap(privateKey, wrap, context, out var unwrapped))
            {
                key = unwrapped;
                break;
            }
        if (key is null) throw new CryptographicException($"The {what} is not sealed for this key of {addressee}.");
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
