using ePost.Core.Ids;

namespace ePost.Core.Crypto;

/// <summary>One convergently encrypted block: its ring id (hash of the ciphertext), its content key (hash of the plaintext) and the ciphertext.</summary>
/// <param name="Id">Where the block lives in the ring: <see cref="RingId.FromSha256"/> of <paramref name="Ciphertext"/>.</param>
/// <param name="Key">SHA-256 of the plaintext: whoever holds it can read the block; it goes only into encrypted logs.</param>
/// <param name="Ciphertext">AES-256-GCM ciphertext ‖ 16-byte tag; the bytes that are stored.</param>
public sealed record ConvergentBlock(RingId Id, byte[] Key, byte[] Ciphertext);
