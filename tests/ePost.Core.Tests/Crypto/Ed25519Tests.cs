using System.Security.Cryptography;
using ePost.Core.Crypto;

namespace ePost.Core.Tests.Crypto;

public class Ed25519Tests
{
    // RFC 8032 section 7.1: TEST 1, TEST 2, TEST 3 and TEST SHA(abc) (seed, public key, message, signature).
    public static TheoryData<string, string, string, string> Rfc8032Vectors => new()
    {
        {
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            "",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        },
        {
            "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            "72",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
        },
        {
            "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
            "af82",
            "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"
        },
        {
            "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
            "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
            Convert.ToHexStringLower(SHA512.HashData("abc"u8)),
            "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"
        },
    };

    [Theory]
    [MemberData(nameof(Rfc8032Vectors))]
    public void Rfc8032_vectors_give_the_published_public_key_and_signature(string seed, string publicKey, string message, string signature)
    {
        var pair = Ed25519.FromSeed(Convert.FromHexString(seed));
        var messageBytes = Convert.FromHexString(message);

        Assert.Equal(publicKey, Convert.ToHexStringLower(pair.PublicKey));
        Assert.Equal(signature, Convert.ToHexStringLower(Ed25519.Sign(pair.PrivateKey, messageBytes)));
        Assert.True(Ed25519.Verify(Convert.FromHexString(publicKey), messageBytes, Convert.FromHexString(signature)));
    }

    [Theory]
    [MemberData(nameof(Rfc8032Vectors))]
    public void Rfc8032_signature_fails_for_any_flipped_bit_of_the_message_or_signature(string seed, string publicKey, string message, string signature)
    {
        _ = seed;
        var key = Convert.FromHexString(publicKey);
        var messageBytes = Convert.FromHexString(message);
        var sig = Convert.FromHexString(signature);

        var longerMessage = messageBytes.Append((byte)0).ToArray();
        Assert.False(Ed25519.Verify(key, longerMessage, sig));
        if (messageBytes.Length > 0)
        {
            messageBytes[0] ^= 1;
            Assert.False(Ed25519.Verify(key, messageBytes, sig));
            messageBytes[0] ^= 1;
        }
        foreach (var index in new[] { 0, 31, 32, 63 })
        {
            sig[index] ^= 0x10;
            Assert.False(Ed25519.Verify(key, messageBytes, sig));
            sig[index] ^= 0x10;
        }
        Assert.True(Ed25519.Verify(key, messageBytes, sig));
    }

    [Fact]
    public void Generated_pairs_sign_and_verify_and_differ_from_each_other()
    {
        using var random = RandomNumberGenerator.Create();
        var alice = Ed25519.Generate(random);
        var bob = Ed25519.Generate(random);
        var message = "log head v7"u8.ToArray();

        var signature = alice.Sign(message);

        Assert.Equal(Ed25519.SignatureLength, signature.Length);
        Assert.NotEqual(alice.PublicKey, bob.PublicKey);
        Assert.True(Ed25519.Verify(alice.PublicKey, message, signature));
        Assert.False(Ed25519.Verify(bob.PublicKey, message, signature));
        Assert.Equal(alice.PublicKey, Ed25519.PublicKeyOf(alice.PrivateKey));
    }

    [Fact]
    public void Malformed_keys_and_signatures_verify_false_without_throwing()
    {
        var pair = Ed25519.FromSeed(new byte[32]);
        var message = "m"u8.ToArray();
        var signature = pair.Sign(message);

        Assert.False(Ed25519.Verify([], message, signature));
        Assert.False(Ed25519.Verify(new byte[31], message, signature));
        Assert.False(Ed25519.Verify(new byte[33], message, signature));
        Assert.False(Ed25519.Verify(pair.PublicKey, message, []));
        Assert.False(Ed25519.Verify(pair.PublicKey, message, signature[..63]));
        Assert.False(Ed25519.Verify(pair.PublicKey, message, [.. signature, 0]));
        // All-0xFF is not the encoding of any curve point (y >= p).
        Assert.False(Ed25519.Verify(Enumerable.Repeat((byte)0xff, 32).ToArray(), message, signature));
        // A signature whose scalar half is S + L (non-canonical, the malleability trick) is refused.
        Assert.False(Ed25519.Verify(pair.PublicKey, message, AddGroupOrderToScalar(signature)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(64)]
    public void Seeds_and_private_keys_of_the_wrong_length_are_refused(int length)
    {
        Assert.Throws<ArgumentException>(() => Ed25519.FromSeed(new byte[length]));
        Assert.Throws<ArgumentException>(() => Ed25519.Sign(new byte[length], "m"u8));
    }

    [Fact]
    public void Key_pair_hands_out_copies_so_callers_cannot_change_it()
    {
        var pair = Ed25519.FromSeed(new byte[32]);
        var exposed = pair.PublicKey;
        exposed[0] ^= 0xff;
        Assert.NotEqual(exposed, pair.PublicKey);
        Assert.DoesNotContain(Convert.ToHexStringLower(pair.PrivateKey), pair.ToString());
    }

    private static byte[] AddGroupOrderToScalar(byte[] signature)
    {
        // L = 2^252 + 27742317777372353535851937790883648493, little-endian in the signature's second half.
        var order = System.Numerics.BigInteger.Parse("7237005577332262213973186563042994240857116359379907606001950938285454250989");
        var s = new System.Numerics.BigInteger(signature.AsSpan(32), isUnsigned: true, isBigEndian: false);
        var bumped = (s + order).ToByteArray(isUnsigned: true, isBigEndian: false);
        var result = (byte[])signature.Clone();
        Array.Clear(result, 32, 32);
        bumped.CopyTo(result, 32);
        return result;
    }
}
