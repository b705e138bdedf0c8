using ePost.Core.Crypto;
using ePost.Storage.Objects;

namespace ePost.Post.Ring;

/// <summary>A log entry as the ring stores it: a content block of the entry's bytes encrypted under the log key.</summary>
/// <remarks>
/// Block data: AES-256-GCM box (random nonce) of the entry's plaintext with associated data "epost/log-entry/v1|" ‖
/// label, so an entry of one log cannot be passed off as an entry of another. Unlike message parts these are not
/// convergent: two equal entries of different logs, or of one log at different times, look unrelated.
/// </remarks>
public static class EntryBlock
{
    /// <summary>Encrypts an entry of the log <paramref name="label"/>.</summary>
    public static ContentBlock Seal(ReadOnlySpan<byte> logKey, string label, ReadOnlySpan<byte> entry, System.Security.Cryptography.RandomNumberGenerator random) =>
        ContentBlock.Create(AesGcmBox.Seal(logKey, entry, Context(label), random));

    /// <summary>Decrypts an entry block of the log <paramref name="label"/>.</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">When the block is not an entry of this log under this key.</exception>
    public static byte[] Open(ReadOnlySpan<byte> logKey, string label, ContentBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        if (!block.IdMatchesContent()) throw new System.Security.Cryptography.CryptographicException($"Entry block {block.Id} does not hash to its id.");
        return AesGcmBox.Open(logKey, block.Data.Span, Context(label));
    }

    private static byte[] Context(string label) => System.Text.Encoding.UTF8.GetBytes("epost/log-entry/v1|" + label);
}
