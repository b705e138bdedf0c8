using System.Security.Cryptography;
using ePost.Core.Crypto;

namespace ePost.Core.Tests.Crypto;

public class X25519Tests
{
    [Fact]
    public void Rfc7748_vector_gives_the_published_public_keys_and_shared_secret()
    {
        // RFC 7748 section 6.1.
        var alice = X25519.FromPrivateKey(Convert.FromHexString("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
        var bob = X25519.FromPrivateKey(Convert.FromHexString("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
        Assert.Equal("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", Convert.ToHexStringLower(alice.PublicKey));
        Assert.Equal("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", Convert.ToHexStringLower(bob.PublicKey));
        const string shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
        Assert.Equal(shared, Convert.ToHexStringLower(alice.Agree(bob.PublicKey)));
        Assert.Equal(shared, Convert.ToHexStringLower(bob.Agree(alice.PublicKey)));
    }

    [Fact]
    public void Low_order_peer_key_is_refused_rather_than_giving_a_known_secret()
    {
        var pair = X25519.Generate(RandomNumberGenerator.Create());
        Assert.Throws<CryptographicException>(() => pair.Agree(new byte[32]));
    }

    [Fact]
    public void Keys_of_the_wrong_length_are_refused_with_a_clear_error()
    {
        var e = Assert.Throws<ArgumentException>(() => X25519.FromPrivateKey(new byte[31]));
        Assert.Contains("32 bytes", e.Message);
        Assert.Throws<ArgumentException>(() => X25519.Agree(new byte[32], new byte[33]));
    }
}
