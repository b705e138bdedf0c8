namespace ePost.Core.Crypto;

/// <summary>An X25519 private key and its public key, both raw 32-byte RFC 7748 encodings.</summary>
public sealed class X25519KeyPair
{
    private readonly byte[] _privateKey;
    private readonly byte[] _publicKey;

    internal X25519KeyPair(byte[] privateKey, byte[] publicKey)
    {
        _privateKey = privateKey;
        _publicKey = publicKey;
    }

    /// <summary>A copy of the 32-byte private key.</summary>
    public byte[] PrivateKey => (byte[])_privateKey.Clone();

    /// <summary>A copy of the 32-byte public key.</summary>
    public byte[] PublicKey => (byte[])_publicKey.Clone();

    /// <summary>The shared secret with <paramref name="peerPublicKey"/> (see <see cref="X25519.Agree"/>).</summary>
    public byte[] Agree(ReadOnlySpan<byte> peerPublicKey) => X25519.Agree(_privateKey, peerPublicKey);

    /// <summary>The public key in hex, for logs; never the private key.</summary>
    public override string ToString() => $"X25519({Convert.ToHexStringLower(_publicKey)})";
}
