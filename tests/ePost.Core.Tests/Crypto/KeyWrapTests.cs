using System.Security.Cryptography;
using ePost.Core.Crypto;

namespace ePost.Core.Tests.Crypto;

public class KeyWrapTests
{
    private static readonly RandomNumberGenerator Random = RandomNumberGenerator.Create();
    private static readonly X25519KeyPair Bob = X25519.Generate(Random);
    private static readonly byte[] LogKey = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] Context = "log-key:bob/INBOX"u8.ToArray();

    [Fact]
    public void Recipient_unwraps_the_key_that_was_wrapped_for_them()
    {
        var wrapped = KeyWrap.Wrap(Bob.PublicKey, LogKey, Context, Random);
        Assert.Equal(LogKey.Length + KeyWrap.Overhead, wrapped.Length);
        Assert.Equal(LogKey, KeyWrap.Unwrap(Bob.PrivateKey, wrapped, Context));
    }

    [Fact]
    public void Each_wrap_uses_a_fresh_ephemeral_key()
    {
        var first = KeyWrap.Wrap(Bob.PublicKey, LogKey, Context, Random);
        var second = KeyWrap.Wrap(Bob.PublicKey, LogKey, Context, Random);
        Assert.NotEqual(first.AsSpan(1, 32).ToArray(), second.AsSpan(1, 32).ToArray());
    }

    [Fact]
    public void Another_recipient_cannot_unwrap()
    {
        var wrapped = KeyWrap.Wrap(Bob.PublicKey, LogKey, Context, Random);
        var mallory = X25519.Generate(Random);
        var e = Assert.Throws<CryptographicException>(() => KeyWrap.Unwrap(mallory.PrivateKey, wrapped, Context));
        Assert.Contains("another recipient", e.Message);
    }

    [Fact]
    public void A_wrap_moved_to_another_context_does_not_open()
    {
        var wrapped = KeyWrap.Wrap(Bob.PublicKey, LogKey, Context, Random);
        Assert.False(KeyWrap.TryUnwrap(Bob.PrivateKey, wrapped, "log-key:bob/Sent"u8, out _));
    }

    [Fact]
    public void Every_flipped_byte_of_a_wrap_is_detected()
    {
        var wrapped = KeyWrap.Wrap(Bob.PublicKey, LogKey, Context, Random);
        for (var i = 0; i < wrapped.Length; i++)
        {
            var tampered = (byte[])wrapped.Clone();
            tampered[i] ^= 0x80;
            Assert.Throws<CryptographicException>(() => KeyWrap.Unwrap(Bob.PrivateKey, tampered, Context));
        }
    }

    [Fact]
    public void Unknown_version_and_impossible_lengths_are_refused_with_a_clear_error()
    {
        var wrapped = KeyWrap.Wrap(Bob.PublicKey, LogKey, Context, Random);
        wrapped[0] = 2;
        Assert.Contains("version 2", Assert.Throws<CryptographicException>(() => KeyWrap.Unwrap(Bob.PrivateKey, wrapped, Context)).Message);
        Assert.Throws<CryptographicException>(() => KeyWrap.Unwrap(Bob.PrivateKey, wrapped[..20], Context));
        Assert.Throws<CryptographicException>(() => KeyWrap.Unwrap(Bob.PrivateKey, new byte[1000], Context));
        Assert.Throws<ArgumentException>(() => KeyWrap.Wrap(Bob.PublicKey, new byte[8], Context, Random));
    }
}
