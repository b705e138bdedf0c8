using ePost.Core.Erasure;
using ePost.Storage.Glacier;
using ePost.Storage.Leases;
using ePost.Storage.Tests.Support;

namespace ePost.Storage.Tests.Glacier;

public class FragmentStoreTests : IDisposable
{
    private readonly TempDataDirectory _dir = new();
    private readonly SqliteFragmentStore _store;

    public FragmentStoreTests() => _store = SqliteFragmentStore.Open(_dir.Path, 1 << 20);

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void A_fragment_matching_its_manifest_is_stored_and_read_back_verified()
    {
        var (_, fragments, manifest) = GlacierFixtures.Encoded();
        Assert.Equal(FragmentOutcome.Stored, _store.Put(manifest.At(fragments, 2), 2, fragments[2], new LeaseInstant(100)).Outcome);
        var held = _store.Get(new FragmentKey(manifest.ContainerId, 2));
        Assert.NotNull(held);
        Assert.Equal(fragments[2], held.Data);
        Assert.Equal(manifest.ContainerId, held.Manifest.ContainerId);
        Assert.Equal(FragmentOutcome.AlreadyHeld, _store.Put(manifest.At(fragments, 2), 2, fragments[2], new LeaseInstant(50)).Outcome);
        Assert.Equal(new LeaseInstant(100), _store.Get(new FragmentKey(manifest.ContainerId, 2))!.Expiry);
    }

    [Fact]
    public void Corrupt_fragment_is_detected_by_its_manifest_hash_on_store()
    {
        var (_, fragments, manifest) = GlacierFixtures.Encoded();
        var damaged = (byte[])fragments[1].Clone();
        damaged[3] ^= 0x10;
        var result = _store.Put(manifest.At(fragments, 1), 1, damaged, new LeaseInstant(100));
        Assert.Equal(FragmentOutcome.Refused, result.Outcome);
        Assert.Contains("hash", result.Message);
        Assert.False(_store.Contains(new FragmentKey(manifest.ContainerId, 1)));
        Assert.Equal(FragmentOutcome.Refused, _store.Put(manifest.At(fragments, 2), 2, fragments[1], new LeaseInstant(100)).Outcome);
    }

    [Fact]
    public void Corrupt_fragment_is_detected_by_its_manifest_hash_on_read_and_dropped()
    {
        var (_, fragments, manifest) = GlacierFixtures.Encoded();
        _store.Put(manifest.At(fragments, 4), 4, fragments[4], new LeaseInstant(100));
        var damaged = (byte[])fragments[4].Clone();
        damaged[0] ^= 0x01;
        RawDatabase.Execute(Path.Combine(_dir.Path, SqliteFragmentStore.FileName), "UPDATE fragments SET data = $d", ("$d", damaged));

        Assert.Null(_store.Get(new FragmentKey(manifest.ContainerId, 4)));
        Assert.False(_store.Contains(new FragmentKey(manifest.ContainerId, 4)));
        Assert.Equal(1, _store.GetStats().CorruptDropped);
    }

    [Fact]
    public void A_renewed_manifest_by_the_same_writer_replaces_the_old_one_and_extends_the_lease()
    {
        var (_, fragments, manifest) = GlacierFixtures.Encoded();
        _store.Put(manifest.At(fragments, 0), 0, fragments[0], new LeaseInstant(100));
        var renewed = FragmentManifest.Create(TestObjects.Alice, manifest.ContentHash.Span, manifest.N, manifest.M, manifest.ContainerLength,
            fragments, LeaseDuration.FromDays(90), version: 2)[0];
        _store.Put(renewed, 0, fragments[0], new LeaseInstant(500));
        var held = _store.Get(new FragmentKey(manifest.ContainerId, 0))!;
        Assert.Equal(2, held.Manifest.Version);
        Assert.Equal(new LeaseInstant(500), held.Expiry);
    }

    [Fact]
    public void Expired_fragments_are_collected_in_bounded_batches()
    {
        var (_, fragments, manifest) = GlacierFixtures.Encoded();
        for (var i = 0; i < 8; i++) _store.Put(manifest.At(fragments, i), i, fragments[i], new LeaseInstant(i < 5 ? 10 : 1000));
        Assert.Equal(3, _store.CollectExpired(new LeaseInstant(10), 3));
        Assert.Equal(2, _store.CollectExpired(new LeaseInstant(10), 3));
        Assert.Equal(0, _store.CollectExpired(new LeaseInstant(10), 3));
        Assert.Equal([5, 6, 7], _store.List(null, 100).Select(k => k.Index));
        Assert.Equal(5, _store.GetStats().ExpiredCollected);
    }

    [Fact]
    public void Listing_pages_through_fragments_in_container_and_index_order()
    {
        var a = GlacierFixtures.Encoded(seed: 1);
        var b = GlacierFixtures.Encoded(seed: 2);
        foreach (var (_, fragments, manifest) in new[] { a, b })
            for (var i = 0; i < 8; i++) _store.Put(manifest.At(fragments, i), i, fragments[i], new LeaseInstant(100));
        var first = _store.List(null, 10);
        var rest = _store.List(first[^1], 10);
        Assert.Equal(10, first.Count);
        Assert.Equal(6, rest.Count);
        Assert.Equal(16, first.Concat(rest).Distinct().Count());
    }

    [Fact]
    public void Fragments_beyond_the_nodes_budget_are_refused_and_collection_frees_room()
    {
        using var dir = new TempDataDirectory();
        var (_, fragments, manifest) = GlacierFixtures.Encoded();
        var size = fragments[0].Length;
        using (var store = SqliteFragmentStore.Open(dir.Path, 1 << 20, budgetBytes: 3L * size))
        {
            for (var i = 0; i < 3; i++) Assert.Equal(FragmentOutcome.Stored, store.Put(manifest.At(fragments, i), i, fragments[i], new LeaseInstant(10)).Outcome);
            var refused = store.Put(manifest.At(fragments, 3), 3, fragments[3], new LeaseInstant(10));
            Assert.Equal(FragmentOutcome.Refused, refused.Outcome);
            Assert.Contains("budget", refused.Message);
        }
        // The count survives a restart; expired fragments make room again.
        using var reopened = SqliteFragmentStore.Open(dir.Path, 1 << 20, budgetBytes: 3L * size);
        Assert.Equal(FragmentOutcome.Refused, reopened.Put(manifest.At(fragments, 3), 3, fragments[3], new LeaseInstant(10)).Outcome);
        Assert.Equal(3, reopened.CollectExpired(new LeaseInstant(10), 10));
        Assert.Equal(FragmentOutcome.Stored, reopened.Put(manifest.At(fragments, 3), 3, fragments[3], new LeaseInstant(20)).Outcome);
    }

    [Fact]
    public void A_fragment_over_the_size_limit_is_refused_before_hashing()
    {
        using var dir = new TempDataDirectory();
        using var small = SqliteFragmentStore.Open(dir.Path, 10);
        var (_, fragments, manifest) = GlacierFixtures.Encoded();
        var result = small.Put(manifest.At(fragments, 0), 0, fragments[0], new LeaseInstant(100));
        Assert.Equal(FragmentOutcome.Refused, result.Outcome);
        Assert.Contains("limit", result.Message);
    }
}
