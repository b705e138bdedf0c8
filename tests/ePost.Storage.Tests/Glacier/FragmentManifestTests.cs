using ePost.Core.Erasure;
using ePost.Storage.Glacier;
using ePost.Storage.Leases;
using ePost.Storage.Tests.Support;

namespace ePost.Storage.Tests.Glacier;

public class FragmentManifestTests
{
    [Fact]
    public void A_signed_manifest_round_trips_and_names_its_container()
    {
        var (container, fragments, manifest) = GlacierFixtures.Encoded();
        var decoded = FragmentManifest.Decode(manifest.Encode());
        Assert.Equal(manifest.ContainerId, decoded.ContainerId);
        Assert.Equal((8, 3, container.Length), (decoded.N, decoded.M, decoded.ContainerLength));
        Assert.Equal(LeaseDuration.FromDays(30), decoded.Lease);
        Assert.True(TestObjects.Alice.PublicKey.AsSpan().SequenceEqual(decoded.WriterKey.Span));
        Assert.True(decoded.Verifies(0, fragments[0]));
        var all = decoded.ForEveryFragment(fragments)!;
        for (var i = 0; i < 8; i++) Assert.True(FragmentManifest.Decode(all[i].Encode()).Verifies(i, fragments[i]));
        Assert.Equal(manifest.Reference, decoded.Reference);
    }

    [Theory]
    [InlineData(5)]    // container id
    [InlineData(30)]   // content hash
    [InlineData(57)]   // n
    [InlineData(60)]   // container length
    [InlineData(65)]   // lease
    [InlineData(75)]   // version
    [InlineData(90)]   // writer key
    [InlineData(130)]  // the Merkle root
    [InlineData(160)]  // the signature
    public void A_manifest_altered_after_signing_is_refused(int offset)
    {
        var bytes = GlacierFixtures.Encoded().Manifest.Encode();
        bytes[offset] ^= 0x01;
        var error = Assert.Throws<InvalidDataException>(() => FragmentManifest.Decode(bytes));
        Assert.False(string.IsNullOrEmpty(error.Message));
    }

    [Fact]
    public void A_forged_manifest_for_another_writers_container_is_refused_even_when_validly_signed()
    {
        var (_, _, genuine) = GlacierFixtures.Encoded();
        var forged = GlacierFixtures.ForgedFor(genuine.ContainerId, TestObjects.Mallory, genuine);
        var error = Assert.Throws<InvalidDataException>(() => FragmentManifest.Decode(forged));
        Assert.Contains("not bound", error.Message);
    }

    [Fact]
    public void A_container_id_is_bound_to_its_writer_and_content()
    {
        var (container, _, manifest) = GlacierFixtures.Encoded();
        Assert.Equal(FragmentManifest.IdFor(TestObjects.Alice.PublicKey, Core.Hashing.Sha256.Hash(container)), manifest.ContainerId);
        Assert.NotEqual(FragmentManifest.IdFor(TestObjects.Mallory.PublicKey, Core.Hashing.Sha256.Hash(container)), manifest.ContainerId);
        Assert.True(manifest.ContentHash.Span.SequenceEqual(Core.Hashing.Sha256.Hash(container)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(200)]
    public void Truncated_or_padded_manifests_are_refused_with_a_reason(int length)
    {
        var bytes = GlacierFixtures.Encoded().Manifest.Encode();
        var other = new byte[length == 200 ? bytes.Length + 1 : length];
        bytes.AsSpan(0, Math.Min(bytes.Length, other.Length)).CopyTo(other);
        Assert.Null(FragmentManifest.TryDecode(other, out var problem));
        Assert.False(string.IsNullOrEmpty(problem));
    }

    [Fact]
    public void A_path_altered_in_transit_decodes_but_proves_nothing()
    {
        var (_, fragments, manifest) = GlacierFixtures.Encoded();
        var bytes = manifest.Encode();
        bytes[^1] ^= 0x01; // the last hash of fragment 0's path: outside the signature, checked against the root
        var altered = FragmentManifest.Decode(bytes);
        Assert.False(altered.Verifies(0, fragments[0]));
    }

    [Fact]
    public void Each_fragment_carries_a_path_of_at_most_log2_n_hashes_instead_of_every_fragments_digest()
    {
        var (_, fragments, manifest) = GlacierFixtures.Encoded();
        Assert.Equal(FragmentManifest.EncodedLengthFor(8), manifest.Encode().Length); // 8 leaves: a full path of 3 hashes
        Assert.Equal(FragmentManifest.SignedLength + 64 + 2 + 8 * 32, FragmentManifest.EncodedLengthFor(251));
        Assert.True(FragmentManifest.MaxEncodedLength < 500);
        // A rebuilder's fragments that are not the signed ones give no paths.
        var wrong = fragments.Select(f => (byte[])f.Clone()).ToArray();
        wrong[5][0] ^= 1;
        Assert.Null(manifest.ForEveryFragment(wrong));
    }

    [Fact]
    public void A_fragment_of_the_wrong_size_or_index_does_not_verify()
    {
        var (_, fragments, manifest) = GlacierFixtures.Encoded();
        Assert.False(manifest.Verifies(1, fragments[0]));
        Assert.False(manifest.Verifies(8, fragments[0]));
        Assert.False(manifest.Verifies(-1, fragments[0]));
        Assert.False(manifest.Verifies(0, fragments[0].AsSpan(1)));
    }

    [Fact]
    public void A_container_reference_round_trips_as_bytes_and_refuses_malformed_ones()
    {
        var reference = GlacierFixtures.Encoded().Manifest.Reference;
        Assert.Equal(reference, ContainerRef.FromBytes(reference.ToBytes()));
        Assert.Throws<FormatException>(() => ContainerRef.FromBytes(reference.ToBytes().AsSpan(1)));
        var badVersion = reference.ToBytes();
        badVersion[0] = 9;
        Assert.Throws<FormatException>(() => ContainerRef.FromBytes(badVersion));
        var badCode = reference.ToBytes();
        badCode[22] = (byte)(badCode[21] + 1); // m > n
        Assert.Throws<FormatException>(() => ContainerRef.FromBytes(badCode));
    }

    [Fact]
    public void Fragment_positions_are_spread_evenly_around_the_ring()
    {
        var id = GlacierFixtures.Encoded().Manifest.ContainerId;
        var positions = Enumerable.Range(0, 48).Select(i => FragmentPlacement.Position(id, i, 48)).ToList();
        Assert.Equal(id, positions[0]);
        var step = Core.Ids.RingId.FromFraction(1, 48);
        for (var i = 1; i < 48; i++)
        {
            var gap = positions[i] - positions[i - 1];
            Assert.True(gap == step || gap == step + Core.Ids.RingId.FromBytes([.. new byte[19], 1]), $"gap {i} is {gap}");
        }
    }
}
