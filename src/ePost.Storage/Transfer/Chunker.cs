using ePost.Core.Hashing;
using ePost.Storage.Wire;

namespace ePost.Storage.Transfer;

/// <summary>Splits an encoded object into the <see cref="ObjectChunk"/>s that carry it between nodes.</summary>
public static class Chunker
{
    /// <summary>The chunks of <paramref name="encoded"/>, each at most <paramref name="chunkBytes"/> long, in order.</summary>
    public static IReadOnlyList<ObjectChunk> Split(RequestId op, TransferPurpose purpose, long leaseMs, byte[] encoded, int chunkBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkBytes, 1);
        var digest = Sha256.Hash(encoded);
        var total = Math.Max(1, (encoded.Length + chunkBytes - 1) / chunkBytes);
        var chunks = new List<ObjectChunk>(total);
        for (var i = 0; i < total; i++)
        {
            var start = i * chunkBytes;
            var data = encoded.AsSpan(start, Math.Min(chunkBytes, encoded.Length - start)).ToArray();
            chunks.Add(new ObjectChunk(op, purpose, leaseMs, i, total, encoded.Length, digest, data));
        }
        return chunks;
    }
}
