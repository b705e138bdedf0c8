using System.Buffers.Binary;
using ePost.Core.Ids;

namespace ePost.Storage.Repair;

/// <summary>
/// The keys of a repair Bloom filter: an object's id together with the bucket of lease it still has (remaining
/// duration divided by the bucket width). A neighbour holding the same object with a longer lease finds its own
/// (id, bucket) missing from the filter and offers the object with its remaining duration, which the requester
/// uses to extend its lease: renewals that reached only some replicas spread, and no absolute time crosses the
/// wire (GCPast keyed its filters by absolute expiry instead).
/// </summary>
public static class LeaseAwareDigest
{
    /// <summary>The filter key for an object with <paramref name="remainingMs"/> of lease left.</summary>
    public static RingId Key(RingId id, long remainingMs, long bucketMs)
    {
        Span<byte> bytes = stackalloc byte[RingId.ByteLength + 8];
        id.WriteBytes(bytes);
        BinaryPrimitives.WriteInt64BigEndian(bytes[RingId.ByteLength..], Bucket(remainingMs, bucketMs));
        return RingId.FromSha256(bytes);
    }

    /// <summary>Which whole bucket of lease a remaining duration falls in.</summary>
    public static long Bucket(long remainingMs, long bucketMs) => Math.Max(0, remainingMs) / Math.Max(1, bucketMs);

    /// <summary>
    /// What to offer a neighbour whose filter is <paramref name="filter"/>: every held object (id, remaining lease)
    /// whose key is absent, i.e. the neighbour lacks it or holds it with a lease in another bucket.
    /// </summary>
    public static List<(RingId Id, long RemainingMs)> Offers(IEnumerable<(RingId Id, long RemainingMs)> held, BloomFilter filter, long bucketMs, int max)
    {
        var offers = new List<(RingId, long)>();
        foreach (var (id, remaining) in held)
        {
            if (offers.Count >= max) break;
            if (!filter.MightContain(Key(id, remaining, bucketMs))) offers.Add((id, remaining));
        }
        return offers;
    }
}
