using System.Security.Cryptography;
using ePost.Core.Crypto;

namespace ePost.Core.Tests.Crypto;

public class AesGcmBoxTests
{
    private static readonly RandomNumberGenerator Random = RandomNumberGenerator.Create();
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] Plaintext = "a message to bob"u8.ToArray();
    private static readonly byte[] Context = "log:inbox"u8.ToArray();

    [Fact]
    public void Sealed_box_opens_to_the_plaintext_and_is_nonce_ciphertext_tag()
    {
        var box = AesGcmBox.Seal(Key, Plaintext, Context, Random);
        Assert.Equal(Plaintext.Length + AesGcmBox.Overhead, box.Length);
        Assert.Equal(Plaintext, AesGcmBox.Open(Key, box, Context));
    }

    [Fact]
    public void Two_seals_of_the_same_plaintext_differ_because_each_draws_a_nonce()
    {
        Assert.NotEqual(AesGcmBox.Seal(Key, Plaintext, Context, Random), AesGcmBox.Seal(Key, Plaintext, Context, Random));
    }

    [Fact]
    public void Every_flipped_byte_of_a_box_is_detected()
    {
        var box = AesGcmBox.Seal(Key, Plaintext, Context, Random);
        for (var i = 0; i < box.Length; i++)
        {
            var tampered = (byte[])box.Clone();
            tampered[i] ^= 0x01;
            var e = Assert.Throws<CryptographicException>(() => AesGcmBox.Open(Key, tampered, Context));
            Assert.Contains("altered", e.Message);
            Assert.False(AesGcmBox.TryOpen(Key, tampered, Context, out _));
        }
    }

    [Fact]
    public void Wrong_key_or_associated_data_does_not_open()
    {
        var box = AesGcmBox.Seal(Key, Plaintext, Context, Random);
        Assert.False(AesGcmBox.TryOpen(RandomNumberGenerator.GetBytes(32), box, Context, out _));
        Assert.False(AesGcmBox.TryOpen(Key, box, "log:sent"u8, out _));
    }

    [Fact]
    public void Truncated_box_is_refused_with_a_clear_error()
    {
        var e = Assert.Throws<CryptographicException>(() => AesGcmBox.Open(Key, new byte[AesGcmBox.Overhead - 1], Context));
        Assert.Contains("at least", e.Message);
    }

    [Fact]
    public void Key_of_the_wrong_length_is_refused()
    {
        Assert.Throws<ArgumentException>(() => AesGcmBox.Seal(new byte[16], Plaintext, Context, Random));
    }
}
