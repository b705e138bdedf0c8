using ePost.Core.Erasure;

namespace ePost.Core.Tests.Erasure;

public sealed class FragmentDigestsTests
{
    private static (ErasureCodec Codec, byte[] Data, byte[][] Fragments, FragmentDigests Digests) Encoded()
    {
        var codec = new ErasureCodec(10, 4);
        var data = new byte[5000];
        new Random(11).NextBytes(data);
        var fragments = codec.Encode(data);
        return (codec, data, fragments, FragmentDigests.Compute(fragments));
    }

    [Fact]
    public void Corrupt_fragment_is_detected_by_its_manifest_hash()
    {
        var (_, _, fragments, digests) = Encoded();
        var corrupt = (byte[])fragments[6].Clone();
        corrupt[100] ^= 0x01;
        Assert.True(digests.Verify(6, fragments[6]));
        Assert.False(digests.Verify(6, corrupt));
        Assert.False(digests.Verify(7, fragments[6])); // the right bytes under the wrong index
    }

    [Fact]
    public void Decode_skips_corrupt_fragments_and_uses_intact_ones()
    {
        var (codec, data, fragments, digests) = Encoded();
        var given = new[] { 0, 5, 6, 7, 8 }.ToDictionary(i => i, i => (byte[])fragments[i].Clone());
        given[0][0] ^= 0xFF; // without the digest check this would silently decode garbage
        Assert.Equal(data, codec.Decode(given, data.Length, digests));
        Assert.NotEqual(data, codec.Decode(given, data.Length));
    }

    [Fact]
    public void Too_many_corrupt_fragments_is_a_not_enough_fragments_error_counting_the_rejected()
    {
        var (codec, data, fragments, digests) = Encoded();
        var given = new[] { 1, 2, 3, 4 }.ToDictionary(i => i, i => (byte[])fragments[i].Clone());
        given[3][10] ^= 0x10;
        var error = Assert.Throws<NotEnoughFragmentsException>(() => codec.Decode(given, data.Length, digests));
        Assert.Equal((3, 4, 1), (error.Usable, error.Needed, error.Rejected));
        Assert.Contains("1 more failed their digest check", error.Message);
    }

    [Fact]
    public void Rebuild_refuses_corrupt_sources()
    {
        var (codec, _, fragments, digests) = Encoded();
        var given = new[] { 0, 1, 2, 3, 4 }.ToDictionary(i => i, i => (byte[])fragments[i].Clone());
        given[2][0] ^= 1;
        Assert.Equal(fragments[9], codec.RebuildFragment(given, 9, digests));
    }

    [Fact]
    public void Digests_of_the_wrong_shape_are_refused()
    {
        var (codec, data, fragments, _) = Encoded();
        Assert.Throws<ArgumentException>(() => new FragmentDigests([new byte[31]]));
        Assert.Throws<ArgumentException>(() => new FragmentDigests([]));
        var tooFew = FragmentDigests.Compute(fragments.Take(9).ToList());
        Assert.Throws<ArgumentException>(() => codec.Decode(new Dictionary<int, byte[]> { [0] = fragments[0] }, data.Length, tooFew));
        Assert.Throws<ArgumentOutOfRangeException>(() => tooFew.Verify(9, fragments[9]));
    }
}
