using ePost.Core.Crypto;
using ePost.Storage.Objects;

namespace ePost.Storage.Tests.Support;

/// <summary>Deterministic keys and objects for tests.</summary>
public static class TestObjects
{
    public static Ed25519KeyPair Alice { get; } = Ed25519.FromSeed(Enumerable.Repeat((byte)0xA1, 32).ToArray());
    public static Ed25519KeyPair Mallory { get; } = Ed25519.FromSeed(Enumerable.Repeat((byte)0x3E, 32).ToArray());

    public static ContentBlock Block(int seed, int length = 100)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return ContentBlock.Create(bytes);
    }

    public static SignedObject Head(ulong version, string payload = "head", string label = "inbox") =>
        SignedObject.Create(Alice, label, version, System.Text.Encoding.UTF8.GetBytes($"{payload} v{version}"));
}
