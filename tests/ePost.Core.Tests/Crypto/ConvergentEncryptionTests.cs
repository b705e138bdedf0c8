using System.Security.Cryptography;
using ePost.Core.Crypto;
using ePost.Core.Hashing;
using ePost.Core.Ids;

namespace ePost.Core.Tests.Crypto;

public class ConvergentEncryptionTests
{
    private static readonly byte[] Attachment = "%PDF-1.7 the quarterly report"u8.ToArray();

    [Fact]
    public void Block_key_is_the_plaintext_hash_and_id_is_the_ciphertext_hash()
    {
        var block = ConvergentEncryption.Encrypt(Attachment);
        Assert.Equal(Sha256.Hash(Attachment), block.Key);
        Assert.Equal(RingId.FromSha256(block.Ciphertext), block.Id);
        Assert.Equal(Attachment.Length + AesGcmBox.TagLength, block.Ciphertext.Length);
        Assert.NotEqual(Attachment, block.Ciphertext[..Attachment.Length]);
    }

    [Fact]
    public void Identical_plaintexts_give_identical_blocks_so_the_ring_stores_them_once()
    {
        var first = ConvergentEncryption.Encrypt(Attachment);
        var forwarded = ConvergentEncryption.Encrypt((byte[])Attachment.Clone());
        Assert.Equal(first.Id, forwarded.Id);
        Assert.Equal(first.Ciphertext, forwarded.Ciphertext);
    }

    [Fact]
    public void Different_plaintexts_give_different_keys_ids_and_ciphertexts()
    {
        var a = ConvergentEncryption.Encrypt(Attachment);
        var other = (byte[])Attachment.Clone();
        other[^1] ^= 1;
        var b = ConvergentEncryption.Encrypt(other);
        Assert.NotEqual(a.Id, b.Id);
        Assert.NotEqual(a.Key, b.Key);
        Assert.NotEqual(a.Ciphertext, b.Ciphertext);
    }

    [Fact]
    public void Block_decrypts_to_its_plaintext_including_the_empty_one()
    {
        var block = ConvergentEncryption.Encrypt(Attachment);
        Assert.Equal(Attachment, ConvergentEncryption.Decrypt(block.Id, block.Key, block.Ciphertext));
        var empty = ConvergentEncryption.Encrypt([]);
        Assert.Empty(ConvergentEncryption.Decrypt(empty.Key, empty.Ciphertext));
    }

    [Fact]
    public void Every_flipped_byte_of_a_block_is_detected()
    {
        var block = ConvergentEncryption.Encrypt(Attachment);
        for (var i = 0; i < block.Ciphertext.Length; i++)
        {
            var tampered = (byte[])block.Ciphertext.Clone();
            tampered[i] ^= 0x04;
            Assert.Throws<CryptographicException>(() => ConvergentEncryption.Decrypt(block.Key, tampered));
        }
    }

    [Fact]
    public void Wrong_key_or_wrong_id_is_refused()
    {
        var block = ConvergentEncryption.Encrypt(Attachment);
        var other = ConvergentEncryption.Encrypt("something else"u8);
        Assert.Throws<CryptographicException>(() => ConvergentEncryption.Decrypt(other.Key, block.Ciphertext));
        var e = Assert.Throws<CryptographicException>(() => ConvergentEncryption.Decrypt(other.Id, block.Key, block.Ciphertext));
        Assert.Contains("block id", e.Message);
        Assert.Throws<CryptographicException>(() => ConvergentEncryption.Decrypt(block.Key, block.Ciphertext[..10]));
    }

    [Fact]
    public void Block_sealed_under_a_key_that_is_not_its_content_hash_is_refused()
    {
        // A forger encrypts with the same nonce rule but an arbitrary key; the tag checks, the hash does not.
        var forgedKey = RandomNumberGenerator.GetBytes(32);
        var nonce = Sha256.Hash([.. "epost/convergent-nonce/v1"u8, .. forgedKey])[..12];
        var ciphertext = new byte[Attachment.Length + 16];
        AesGcmBox.SealInto(forgedKey, nonce, Attachment, [], ciphertext);
        var e = Assert.Throws<CryptographicException>(() => ConvergentEncryption.Decrypt(forgedKey, ciphertext));
        Assert.Contains("does not hash to its key", e.Message);
    }
}
