using System.Security.Cryptography;
using System.Text;

namespace ePost.Core.Crypto;

/// <summary>Wraps a symmetric key so that only the holder of one X25519 private key can recover it (ECIES-style).</summary>
/// <remarks>
/// Wire form: version (1 byte, 0x01) ‖ ephemeral X25519 public key (32) ‖ <see cref="AesGcmBox"/> of the key.
/// The wrapping key is HKDF-SHA-256(ikm = X25519(ephemeral, recipient), salt = ephemeral public ‖ recipient public,
/// info = "epost/key-wrap/v1"); the box's associated data is the version byte ‖ the caller's context. Putting both
/// public keys in the salt binds the wrap to this recipient and this ephemeral key, so a wrap cannot be re-targeted;
/// the context lets callers bind a wrap to what it protects (for example a log id), so a wrapped key cannot be moved
/// to another object. A fresh ephemeral key per wrap means a wrapping key is never used twice.
/// </remarks>
public static class KeyWrap
{
    /// <summary>The version byte this code writes and the only one it reads.</summary>
    public const byte Version = 1;

    /// <summary>Shortest key this wraps.</summary>
    public const int MinKeyLength = 16;

    /// <summary>Longest key this wraps.</summary>
    public const int MaxKeyLength = 64;

    private static readonly byte[] Info = Encoding.ASCII.GetBytes("epost/key-wrap/v1");
    private const int HeaderLength = 1 + X25519.PublicKeyLength;

    /// <summary>Bytes a wrap adds to the wrapped key.</summary>
    public const int Overhead = HeaderLength + AesGcmBox.Overhead;

    /// <summary>Wraps <paramref name="key"/> for <paramref name="recipientPublicKey"/>, bound to <paramref name="context"/>.</summary>
    /// <exception cref="ArgumentException">When the key length is outside 16..64 bytes or the public key is not 32 bytes.</exception>
    /// <exception cref="CryptographicException">When the recipient key is a low-order point.</exception>
    public static byte[] Wrap(ReadOnlySpan<byte> recipientPublicKey, ReadOnlySpan<byte> key, ReadOnlySpan<byte> context, RandomNumberGenerator random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (key.Length is < MinKeyLength or > MaxKeyLength)
            throw new ArgumentException($"KeyWrap wraps keys of {MinKeyLength}..{MaxKeyLength} bytes, not {key.Length}.", nameof(key));
        var ephemeral = X25519.Generate(random);
        var ephemeralPublic = ephemeral.PublicKey;
        var wrappingKey = WrappingKey(ephemeral.Agree(recipientPublicKey), ephemeralPublic, recipientPublicKey);
        try
        {
            var box = AesGcmBox.Seal(wrappingKey, key, AssociatedData(context), random);
            var wrapped = new byte[HeaderLength + box.Length];
            wrapped[0] = Version;
            ephemeralPublic.CopyTo(wrapped, 1);
            box.CopyTo(wrapped, HeaderLength);
            return wrapped;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(wrappingKey);
        }
    }

    /// <summary>The key inside <paramref name="wrapped"/>, recovered with the recipient's private key.</summary>
    /// <exception cref="ArgumentException">When the private key is not 32 bytes.</exception>
    /// <exception cref="CryptographicException">When the wrap is malformed, of another version, for another recipient, altered, or bound to another context.</exception>
    public static byte[] Unwrap(ReadOnlySpan<byte> recipientPrivateKey, ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> context)
    {
        var recipient = X25519.FromPrivateKey(recipientPrivateKey);
        if (wrapped.Length < Overhead + MinKeyLength || wrapped.Length > Overhead + MaxKeyLength)
            throw new CryptographicException($"A wrapped key is {Overhead + MinKeyLength}..{Overhead + MaxKeyLength} bytes; this one has {wrapped.Length}.");
        if (wrapped[0] != Version)
            throw new CryptographicException($"Unknown key-wrap version {wrapped[0]}; this node reads version {Version}.");
        var ephemeralPublic = wrapped.Slice(1, X25519.PublicKeyLength);
        var wrappingKey = WrappingKey(recipient.Agree(ephemeralPublic), ephemeralPublic, recipient.PublicKey);
        try
        {
            return AesGcmBox.Open(wrappingKey, wrapped[HeaderLength..], AssociatedData(context));
        }
        catch (CryptographicException e)
        {
            throw new CryptographicException("The wrapped key does not open: it is for another recipient or context, or it was altered.", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(wrappingKey);
        }
    }

    /// <summary>Like <see cref="Unwrap"/>, but false instead of an exception for any wrap that does not open.</summary>
    public static bool TryUnwrap(ReadOnlySpan<byte> recipientPrivateKey, ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> context, out byte[] key)
    {
        try
        {
            key = Unwrap(recipientPrivateKey, wrapped, context);
            return true;
        }
        catch (CryptographicException)
        {
            key = [];
            return false;
        }
    }

    private static byte[] WrappingKey(byte[] sharedSecret, ReadOnlySpan<byte> ephemeralPublic, ReadOnlySpan<byte> recipientPublic)
    {
        Span<byte> salt = stackalloc byte[2 * X25519.PublicKeyLength];
        ephemeralPublic.CopyTo(salt);
        recipientPublic.CopyTo(salt[X25519.PublicKeyLength..]);
        try
        {
            return Hkdf.DeriveKey(sharedSecret, AesGcmBox.KeyLength, salt, Info);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sharedSecret);
        }
    }

    private static byte[] AssociatedData(ReadOnlySpan<byte> context)
    {
        var data = new byte[1 + context.Length];
        data[0] = Version;
        context.CopyTo(data.AsSpan(1));
        return data;
    }
}
