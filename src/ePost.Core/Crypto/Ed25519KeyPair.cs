namespace ePost.Core.Crypto;

/// <summary>An Ed25519 private seed and its public key, both raw 32-byte RFC 8032 encodings.</summary>
public sealed class Ed25519KeyPair
{
    private readonly byte[] _privateKey;
    private readonly byte[] _publicKey;

    internal Ed25519KeyPair(byte[] privateKey, byte[] publicKey)
    {
        _privateKey = privateKey;
        _publicKey = publicKey;
    }

    /// <summary>A copy of the 32-byte private seed.</summary>
    public byte[] PrivateKey => (byte[])_privateKey.Clone();

    /// <summary>A copy of the 32-byte public key.</summary>
    public byte[] PublicKey => (byte[])_publicKey.Clone();

    /// <summary>Signs with this pair's private key.</summary>
    public byte[] Sign(ReadOnlySpan<byte> message) => Ed25519.Sign(_privateKey, message);

    /// <summary>The public key in hex, for logs; never the private key.</summary>
    public override string ToString() => $"Ed25519({Convert.ToHexStringLower(_publicKey)})";
}
