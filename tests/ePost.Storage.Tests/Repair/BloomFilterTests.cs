using System.Buffers.Binary;
using ePost.Core.Ids;
using ePost.Storage.Repair;

namespace ePost.Storage.Tests.Repair;

public class BloomFilterTests
{
    private static List<RingId> Ids(int seed, int count)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => RingId.Random(random)).ToList();
    }

    private static BloomFilter Filled(IEnumerable<RingId> ids, int count, ulong seed, int bitsPerKey = BloomFilter.DefaultBitsPerKey, int hashes = BloomFilter.DefaultHashCount)
    {
        var filter = BloomFilter.Create(count, seed, bitsPerKey, hashes);
        foreach (var id in ids) filter.Add(id);
        return filter;
    }

    [Fact]
    public void Every_added_id_is_reported_present()
    {
        var ids = Ids(1, 5000);
        var filter = Filled(ids, ids.Count, seed: 42);
        Assert.All(ids, id => Assert.True(filter.MightContain(id)));
    }

    [Theory]
    [InlineData(8, 4)] // our default: theory says 2.4%
    [InlineData(4, 2)] // ePOST's parameters: theory says 15.5%
    [InlineData(10, 7)]
    public void Measured_false_positive_rate_matches_theory_within_ten_percent(int bitsPerKey, int hashes)
    {
        const int keys = 10_000, probes = 200_000;
        var filter = Filled(Ids(2, keys), keys, seed: 7, bitsPerKey, hashes);
        var expected = BloomFilter.ExpectedFalsePositiveRate(keys, filter.BitCount, hashes);

        var falsePositives = Ids(3, probes).Count(filter.MightContain);
        var measured = (double)falsePositives / probes;

        // At 200k probes the sampling error is a few percent of the rate; a broken hash family (correlated or
        // repeated positions) misses theory by far more than ten percent.
        Assert.InRange(measured, expected * 0.9, expected * 1.1);
    }

    [Fact]
    public void A_fresh_seed_makes_false_positives_of_successive_rounds_independent()
    {
        const int keys = 10_000, probes = 200_000;
        var held = Ids(4, keys);
        var round1 = Filled(held, keys, seed: 1);
        var round2 = Filled(held, keys, seed: 2);
        var sameSeed = Filled(held, keys, seed: 1);
        var missing = Ids(5, probes);

        var fp1 = missing.Where(round1.MightContain).ToHashSet();
        var both = fp1.Count(round2.MightContain);
        var p = BloomFilter.ExpectedFalsePositiveRate(keys, round1.BitCount, round1.HashCount);

        Assert.True(both < probes * p * p * 2 + 20, $"{both} ids were false positives in both rounds; independence predicts {probes * p * p:F0}");
        Assert.Equal(fp1.Count, fp1.Count(sameSeed.MightContain)); // same seed, same positions: deterministic
    }

    [Fact]
    public void Small_ranges_still_get_a_filter_sized_for_sixty_four_keys()
    {
        var filter = BloomFilter.Create(0, seed: 1);
        Assert.Equal(BloomFilter.MinimumKeys * BloomFilter.DefaultBitsPerKey, filter.BitCount);
        Assert.False(filter.MightContain(RingId.Max));
    }

    [Fact]
    public void Encoding_round_trips_and_is_header_plus_one_bit_per_bit()
    {
        var ids = Ids(6, 300);
        var filter = Filled(ids, ids.Count, seed: 0xDEADBEEF);

        var encoded = filter.Encode();
        var decoded = BloomFilter.Decode(encoded, maxBytes: 4096);

        Assert.Equal(BloomFilter.HeaderLength + 300 * 8 / 8, encoded.Length);
        Assert.Equal(filter.Seed, decoded.Seed);
        Assert.Equal(filter.HashCount, decoded.HashCount);
        Assert.Equal(filter.BitCount, decoded.BitCount);
        Assert.Equal(encoded, decoded.Encode());
        Assert.All(ids, id => Assert.True(decoded.MightContain(id)));
    }

    [Fact]
    public void Malformed_or_oversized_encodings_are_refused()
    {
        var encoded = Filled(Ids(7, 100), 100, seed: 3).Encode();

        Assert.Throws<FormatException>(() => BloomFilter.Decode(encoded, encoded.Length - 1)); // over the limit
        Assert.Throws<FormatException>(() => BloomFilter.Decode(encoded[..5], 4096));          // no header
        Assert.Throws<FormatException>(() => BloomFilter.Decode(encoded[..^1], 4096));         // truncated bits
        Assert.Throws<FormatException>(() => BloomFilter.Decode([.. encoded, 0], 4096));       // trailing byte
        Assert.Throws<FormatException>(() => BloomFilter.Decode(With(encoded, 0, 2), 4096));   // unknown format
        Assert.Throws<FormatException>(() => BloomFilter.Decode(With(encoded, 1, 0), 4096));   // no hashes
        Assert.Throws<FormatException>(() => BloomFilter.Decode(With(encoded, 1, 17), 4096));  // too many hashes

        var oddBits = (byte[])encoded.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(oddBits.AsSpan(10), 801);
        Assert.Throws<FormatException>(() => BloomFilter.Decode(oddBits, 4096));
        var hugeClaim = (byte[])encoded.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(hugeClaim.AsSpan(10), 0xFFFFFFF8);
        Assert.Throws<FormatException>(() => BloomFilter.Decode(hugeClaim, 4096));
    }

    [Fact]
    public void Parameters_out_of_range_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BloomFilter.Create(-1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => BloomFilter.Create(10, 0, bitsPerKey: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => BloomFilter.Create(10, 0, hashCount: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => BloomFilter.Create(10, 0, hashCount: BloomFilter.MaxHashCount + 1));
    }

    private static byte[] With(byte[] bytes, int index, byte value)
    {
        var copy = (byte[])bytes.Clone();
        copy[index] = value;
        return copy;
    }
}
