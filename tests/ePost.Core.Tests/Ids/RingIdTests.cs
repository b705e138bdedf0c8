using System.Numerics;
using ePost.Core.Ids;

namespace ePost.Core.Tests.Ids;

public class RingIdTests
{
    private static readonly BigInteger Modulus = BigInteger.One << 160;

    private static RingId Id(string hexPrefix) => RingId.Parse(hexPrefix.PadRight(40, '0'));
    private static RingId Small(uint value) => RingId.Parse(value.ToString("x8").PadLeft(40, '0'));
    private static BigInteger Big(RingId id) => new(id.ToBytes(), isUnsigned: true, isBigEndian: true);

    [Fact]
    public void Hex_and_bytes_round_trip()
    {
        var id = RingId.Parse("0123456789abcdef0123456789abcdef01234567");
        Assert.Equal("0123456789abcdef0123456789abcdef01234567", id.ToString());
        Assert.Equal(id, RingId.FromBytes(id.ToBytes()));
        Assert.Equal("01234567", id.ToShortString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("0123")]
    [InlineData("0123456789abcdef0123456789abcdef012345")]      // 38 digits
    [InlineData("0123456789abcdef0123456789abcdef0123456789")]  // 42 digits
    [InlineData("0123456789abcdef0123456789abcdef0123456g")]    // not hex
    public void Text_of_the_wrong_length_or_alphabet_is_refused(string text)
    {
        Assert.False(RingId.TryParse(text, out _));
        Assert.Throws<FormatException>(() => RingId.Parse(text));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(19)]
    [InlineData(21)]
    [InlineData(32)]
    public void Bytes_of_the_wrong_length_are_refused(int length) =>
        Assert.Throws<ArgumentException>(() => RingId.FromBytes(new byte[length]));

    [Fact]
    public void Digits_are_read_most_significant_first()
    {
        var id = RingId.Parse("f123456789abcdef0123456789abcdef0123456e");
        Assert.Equal(0xf, id.Digit(0, 4));
        Assert.Equal(0x1, id.Digit(1, 4));
        Assert.Equal(0x6, id.Digit(38, 4));
        Assert.Equal(0xe, id.Digit(39, 4));
        Assert.Equal(0xf1, id.Digit(0, 8));
        Assert.Equal(0x6e, id.Digit(19, 8));
        Assert.Equal(1, id.Digit(0, 1));
        Assert.Equal(0, id.Digit(159, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => id.Digit(40, 4));
    }

    [Fact]
    public void Digits_straddling_the_32_bit_boundary_are_exact()
    {
        var random = new Random(7);
        for (var i = 0; i < 500; i++)
        {
            var id = RingId.Random(random);
            var big = Big(id);
            foreach (var bits in new[] { 1, 2, 4, 5, 8 })
                for (var d = 0; d < 160 / bits; d++)
                {
                    var expected = (int)((big >> (160 - (d + 1) * bits)) & ((1 << bits) - 1));
                    Assert.Equal(expected, id.Digit(d, bits));
                }
        }
    }

    [Fact]
    public void WithDigit_replaces_exactly_one_digit()
    {
        var random = new Random(3);
        for (var i = 0; i < 200; i++)
        {
            var id = RingId.Random(random);
            var index = random.Next(40);
            var digit = random.Next(16);
            var changed = id.WithDigit(index, 4, digit);
            for (var d = 0; d < 40; d++)
                Assert.Equal(d == index ? digit : id.Digit(d, 4), changed.Digit(d, 4));
        }
    }

    [Fact]
    public void Shared_prefix_counts_leading_equal_bits_and_digits()
    {
        var a = Id("abcd");
        Assert.Equal(160, RingId.SharedPrefixBits(a, a));
        Assert.Equal(40, RingId.SharedPrefixDigits(a, a, 4));
        Assert.Equal(3, RingId.SharedPrefixDigits(Id("abc0"), Id("abc8"), 4));
        Assert.Equal(12, RingId.SharedPrefixBits(Id("abc0"), Id("abc8")));
        Assert.Equal(0, RingId.SharedPrefixDigits(Id("0"), Id("8"), 4));
        // A difference only in the last bit.
        Assert.Equal(159, RingId.SharedPrefixBits(Small(0), Small(1)));
        Assert.Equal(39, RingId.SharedPrefixDigits(Small(0), Small(1), 4));
    }

    [Fact]
    public void Arithmetic_wraps_at_two_to_the_160()
    {
        Assert.Equal(RingId.Zero, RingId.Max + Small(1));
        Assert.Equal(RingId.Max, RingId.Zero - Small(1));
        Assert.Equal(Small(1), RingId.ClockwiseDistance(RingId.Max, RingId.Zero));
        Assert.Equal(RingId.Max, RingId.ClockwiseDistance(RingId.Zero, RingId.Max));
        Assert.Equal(Small(1), RingId.Distance(RingId.Zero, RingId.Max));
        Assert.Equal(Small(1), RingId.Distance(RingId.Max, RingId.Zero));

        var random = new Random(11);
        for (var i = 0; i < 1000; i++)
        {
            var a = RingId.Random(random);
            var b = RingId.Random(random);
            Assert.Equal((Big(a) + Big(b)) % Modulus, Big(a + b));
            Assert.Equal(((Big(b) - Big(a)) % Modulus + Modulus) % Modulus, Big(RingId.ClockwiseDistance(a, b)));
            Assert.Equal(RingId.Distance(a, b), RingId.Distance(b, a));
            Assert.True(RingId.Distance(a, b) <= RingId.Half);
        }
    }

    [Fact]
    public void Closeness_is_measured_around_the_ring_not_along_the_line()
    {
        var key = Small(2);
        var nearZeroFromBelow = RingId.Max - Small(2); // 4 steps counter-clockwise... of key via wrap
        var farAbove = Id("8");
        Assert.True(RingId.IsCloser(key, nearZeroFromBelow, farAbove));
        Assert.True(RingId.IsCloser(RingId.Max, Small(3), Id("f")));
    }

    [Fact]
    public void Equal_distances_go_to_the_counter_clockwise_candidate_on_both_sides()
    {
        var key = Small(100);
        var below = Small(90);
        var above = Small(110);
        Assert.True(RingId.CompareCloseness(key, below, above) < 0);
        Assert.True(RingId.CompareCloseness(key, above, below) > 0);
        // The same tie across zero.
        var keyAtZero = RingId.Zero;
        Assert.True(RingId.CompareCloseness(keyAtZero, RingId.Max, Small(1)) < 0);
        Assert.True(RingId.CompareCloseness(keyAtZero, Small(1), RingId.Max) > 0);
        Assert.Equal(0, RingId.CompareCloseness(key, above, above));
    }

    [Fact]
    public void Clockwise_arc_is_inclusive_and_wraps()
    {
        Assert.True(RingId.InClockwiseArc(RingId.Zero, RingId.Max, Small(5)));
        Assert.True(RingId.InClockwiseArc(Small(5), RingId.Max, Small(5)));
        Assert.False(RingId.InClockwiseArc(Small(6), RingId.Max, Small(5)));
        Assert.True(RingId.InClockwiseArc(Id("8"), Id("7"), Id("9")));
        Assert.False(RingId.InClockwiseArc(Id("6"), Id("7"), Id("9")));
    }

    [Fact]
    public void Fractions_place_points_evenly()
    {
        Assert.Equal(RingId.Zero, RingId.FromFraction(0, 48));
        Assert.Equal(RingId.Half, RingId.FromFraction(1, 2));
        Assert.Equal(Id("4"), RingId.FromFraction(1, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => RingId.FromFraction(4, 4));
    }

    [Fact]
    public void Address_ids_ignore_case_and_surrounding_space()
    {
        Assert.Equal(RingId.ForAddress("Alice@Example.org"), RingId.ForAddress(" alice@example.org "));
        Assert.NotEqual(RingId.ForAddress("alice@example.org"), RingId.ForAddress("bob@example.org"));
    }

    [Fact]
    public void Ordering_is_numeric()
    {
        var ids = Enumerable.Range(0, 200).Select(_ => RingId.Random(new Random(5))).ToList();
        var random = new Random(9);
        ids = Enumerable.Range(0, 200).Select(_ => RingId.Random(random)).ToList();
        var sorted = ids.OrderBy(x => x).Select(Big).ToList();
        Assert.Equal(ids.Select(Big).OrderBy(x => x), sorted);
    }

    [Fact]
    public void The_top_64_bits_are_the_ids_first_sixteen_hex_digits()
    {
        Assert.Equal(0x0123456789abcdefUL, Id("0123456789abcdef").Top64);
        Assert.Equal(ulong.MaxValue, RingId.Max.Top64);
        Assert.Equal(1UL << 63, RingId.Half.Top64);
        Assert.Equal(0UL, Small(uint.MaxValue).Top64);
        var random = RingId.Random(new Random(3));
        Assert.Equal(Convert.ToUInt64(random.ToString()[..16], 16), random.Top64);
    }

    [Theory]
    [InlineData("\"0123\"", "A ring id is 40 hex digits, got 4 characters.")]
    [InlineData("17", "A ring id must be a string.")]
    public void In_json_an_id_is_its_hex_digits_and_anything_else_is_refused(string json, string error)
    {
        var options = new System.Text.Json.JsonSerializerOptions { Converters = { new ePost.Core.Wire.RingIdJsonConverter() } };
        var id = RingId.Random(new Random(4));
        Assert.Equal($"\"{id}\"", System.Text.Json.JsonSerializer.Serialize(id, options));
        Assert.Equal(id, System.Text.Json.JsonSerializer.Deserialize<RingId>($"\"{id}\"", options));
        Assert.Equal(error, Assert.Throws<System.Text.Json.JsonException>(() => System.Text.Json.JsonSerializer.Deserialize<RingId>(json, options)).Message);
    }
}
