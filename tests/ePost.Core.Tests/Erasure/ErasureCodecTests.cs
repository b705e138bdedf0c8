using ePost.Core.Erasure;

namespace ePost.Core.Tests.Erasure;

public sealed class ErasureCodecTests
{
    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static Dictionary<int, byte[]> Pick(byte[][] fragments, IEnumerable<int> indexes) =>
        indexes.ToDictionary(i => i, i => fragments[i]);

    private static int[] RandomSubset(Random random, int n, int count) =>
        Enumerable.Range(0, n).OrderBy(_ => random.Next()).Take(count).ToArray();

    [Fact]
    public void Any_m_of_n_fragments_rebuild_the_bytes_for_random_sizes_and_parameters()
    {
        var random = new Random(20240601);
        for (var trial = 0; trial < 60; trial++)
        {
            var n = trial % 3 == 0 ? random.Next(1, 256) : random.Next(1, 40);
            var m = random.Next(1, n + 1);
            // Keep the encoded total to a few MB so the whole suite stays fast.
            var maxSize = (int)Math.Min(100_000, 4_000_000L * m / n);
            var data = RandomBytes(random, random.Next(0, maxSize + 1));
            var codec = new ErasureCodec(n, m);
            var fragments = codec.Encode(data);

            Assert.Equal(n, fragments.Length);
            Assert.All(fragments, f => Assert.Equal(codec.FragmentSize(data.Length), f.Length));
            for (var subset = 0; subset < 3; subset++)
                Assert.Equal(data, codec.Decode(Pick(fragments, RandomSubset(random, n, m)), data.Length));
        }
    }

    [Fact]
    public void Data_fragments_are_the_data_split_in_m_zero_padded_pieces()
    {
        var data = Enumerable.Range(1, 10).Select(i => (byte)i).ToArray();
        var fragments = new ErasureCodec(6, 3).Encode(data);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, fragments[0]);
        Assert.Equal(new byte[] { 5, 6, 7, 8 }, fragments[1]);
        Assert.Equal(new byte[] { 9, 10, 0, 0 }, fragments[2]);
    }

    [Fact]
    public void Parity_bytes_equal_isal_ec_encode_data_with_the_cauchy1_matrix()
    {
        // ISA-L 2.30: gf_gen_cauchy1_matrix(a, 10, 4); ec_init_tables; ec_encode_data over 4 x 40 bytes,
        // data[j][i] = (j * 40 + i) * 7 + 3 mod 256. The first two parity fragments as printed by that program.
        var data = Enumerable.Range(0, 160).Select(k => (byte)(k * 7 + 3)).ToArray();
        var fragments = new ErasureCodec(10, 4).Encode(data);
        Assert.Equal("832ab09e7ebce7d6c614fdec0c22a0c233bc0ea7479df331eadb4b9979d081afadcfbe31d123ca10", Convert.ToHexStringLower(fragments[4]));
        Assert.Equal("fc5132396f8fc08043377076202b2194f7a50ea3f57c9d7dfbbbb1c5933ed2d91aaf05570140078e", Convert.ToHexStringLower(fragments[9]));
    }

    [Theory]
    [InlineData(255, 1)]
    [InlineData(255, 128)]
    [InlineData(255, 255)]
    [InlineData(1, 1)]
    [InlineData(48, 48)]
    [InlineData(48, 1)]
    public void Edge_parameters_round_trip_from_the_last_m_fragments(int n, int m)
    {
        var data = RandomBytes(new Random(n * 1000 + m), 3 * m + 1);
        var codec = new ErasureCodec(n, m);
        var fragments = codec.Encode(data);
        Assert.Equal(data, codec.Decode(Pick(fragments, Enumerable.Range(n - m, m)), data.Length));
    }

    [Fact]
    public void Empty_input_round_trips()
    {
        var codec = new ErasureCodec(8, 3);
        var fragments = codec.Encode([]);
        Assert.All(fragments, f => Assert.Empty(f));
        Assert.Empty(codec.Decode(Pick(fragments, [5, 6, 7]), 0));
    }

    [Fact]
    public void Input_shorter_than_m_round_trips_from_parity_only()
    {
        var codec = new ErasureCodec(12, 5);
        var fragments = codec.Encode([42, 43]);
        Assert.Equal(new byte[] { 42, 43 }, codec.Decode(Pick(fragments, [7, 8, 9, 10, 11]), 2));
    }

    [Fact]
    public void Fewer_than_m_fragments_is_a_clear_error_naming_given_and_needed()
    {
        var codec = new ErasureCodec(48, 5);
        var fragments = codec.Encode(new byte[1000]);
        var error = Assert.Throws<NotEnoughFragmentsException>(() => codec.Decode(Pick(fragments, [1, 20, 30, 47]), 1000));
        Assert.Equal(4, error.Usable);
        Assert.Equal(5, error.Needed);
        Assert.Contains("4 usable fragment(s) given, 5 needed", error.Message);
        Assert.Throws<NotEnoughFragmentsException>(() => codec.RebuildFragment(Pick(fragments, [0, 1, 2, 3, 9]), 9));
    }

    [Fact]
    public void Out_of_range_indexes_mismatched_lengths_and_wrong_original_length_are_argument_errors()
    {
        var codec = new ErasureCodec(6, 3);
        var fragments = codec.Encode(new byte[30]);
        var tooHigh = Pick(fragments, [0, 1, 2]);
        tooHigh[6] = fragments[3];
        Assert.Throws<ArgumentException>(() => codec.Decode(tooHigh, 30));
        var negative = Pick(fragments, [0, 1, 2]);
        negative[-1] = fragments[3];
        Assert.Throws<ArgumentException>(() => codec.Decode(negative, 30));
        var uneven = Pick(fragments, [0, 1, 4]);
        uneven[4] = new byte[11];
        Assert.Throws<ArgumentException>(() => codec.Decode(uneven, 30));
        var withNull = Pick(fragments, [0, 1, 4]);
        withNull[2] = null!;
        Assert.Throws<ArgumentException>(() => codec.Decode(withNull, 30));
        Assert.Throws<ArgumentException>(() => codec.Decode(Pick(fragments, [0, 1, 2]), 31));
        Assert.Throws<ArgumentOutOfRangeException>(() => codec.Decode(Pick(fragments, [0, 1, 2]), -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => codec.RebuildFragment(Pick(fragments, [0, 1, 2]), 6));
        Assert.Throws<ArgumentException>(() => codec.EncodeParity(fragments.Take(5).ToList()));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(256, 5)]
    [InlineData(10, 0)]
    [InlineData(10, 11)]
    public void Invalid_n_or_m_is_refused(int n, int m) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ErasureCodec(n, m));

    [Fact]
    public void Any_missing_fragment_is_rebuilt_exactly_from_m_others()
    {
        var random = new Random(48);
        var codec = new ErasureCodec(48, 5);
        var fragments = codec.Encode(RandomBytes(random, 50_001));
        foreach (var lost in new[] { 0, 4, 5, 30, 47 })
        {
            var sources = RandomSubset(random, 48, 12).Where(i => i != lost).Take(5);
            Assert.Equal(fragments[lost], codec.RebuildFragment(Pick(fragments, sources), lost));
        }
    }

    [Fact]
    public void The_fragment_being_rebuilt_is_never_used_as_its_own_source()
    {
        var codec = new ErasureCodec(8, 3);
        var fragments = codec.Encode(RandomBytes(new Random(3), 300));
        var given = Pick(fragments, [1, 2, 6, 7]);
        given[1] = new byte[100]; // a damaged copy of the fragment being rebuilt
        Assert.Equal(fragments[1], codec.RebuildFragment(given, 1));
    }

    [Fact]
    public void Decode_into_a_span_matches_decode_and_parity_encoding_in_place_matches_encode()
    {
        var codec = new ErasureCodec(10, 4);
        var data = RandomBytes(new Random(9), 4096);
        var fragments = codec.Encode(data);
        var inPlace = fragments.Select((f, i) => i < 4 ? (byte[])f.Clone() : new byte[f.Length]).ToArray();
        codec.EncodeParity(inPlace);
        Assert.Equal(fragments, inPlace);
        var destination = new byte[data.Length];
        codec.Decode(Pick(fragments, [6, 7, 8, 9]), destination);
        Assert.Equal(data, destination);
    }
}
