using System.Security.Cryptography;

namespace ePost.Core.Hashing;

/// <summary>The one SHA-256 helper: every content hash, id derivation and integrity check goes through here.</summary>
public static class Sha256
{
    /// <summary>Bytes in a digest.</summary>
    public const int Length = 32;

    /// <summary>SHA-256 of the bytes.</summary>
    public static byte[] Hash(ReadOnlySpan<byte> data) => SHA256.HashData(data);

    /// <summary>SHA-256 of the bytes as lower-case hex.</summary>
    public static string HashHex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>SHA-256 of several byte strings, each prefixed with its length so that no two inputs collide by concatenation.</summary>
    public static byte[] HashFramed(params ReadOnlySpan<byte[]> parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (var part in parts)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, part.Length);
            hash.AppendData(length);
            hash.AppendData(part);
        }
        return hash.GetHashAndReset();
    }

    /// <summary>True when <paramref name="data"/> hashes to <paramref name="expected"/> (constant time in the digest).</summary>
    public static bool Matches(ReadOnlySpan<byte> data, ReadOnlySpan<byte> expected)
    {
        Span<byte> digest = stackalloc byte[Length];
        SHA256.HashData(data, digest);
        return CryptographicOperations.FixedTimeEquals(digest, expected);
    }
}
