using ePost.Core.Crypto;

namespace ePost.Core.Tests.Crypto;

public class HkdfTests
{
    [Fact]
    public void Rfc5869_test_case_1_gives_the_published_output()
    {
        var okm = Hkdf.DeriveKey(
            Convert.FromHexString("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"), 42,
            Convert.FromHexString("000102030405060708090a0b0c"), Convert.FromHexString("f0f1f2f3f4f5f6f7f8f9"));
        Assert.Equal("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865", Convert.ToHexStringLower(okm));
    }

    [Fact]
    public void Different_info_strings_give_unrelated_keys()
    {
        var secret = new byte[32];
        Assert.NotEqual(Hkdf.DeriveKey(secret, 32, [], "a"u8), Hkdf.DeriveKey(secret, 32, [], "b"u8));
    }

    [Fact]
    public void Empty_secret_and_impossible_lengths_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Hkdf.DeriveKey([], 32, [], []));
        Assert.Throws<ArgumentException>(() => Hkdf.DeriveKey(new byte[32], 0, [], []));
        Assert.Throws<ArgumentException>(() => Hkdf.DeriveKey(new byte[32], Hkdf.MaxOutputLength + 1, [], []));
    }
}
