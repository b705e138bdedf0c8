using ePost.Storage.Leases;
using ePost.Storage.Local;
using ePost.Storage.Objects;
using ePost.Storage.Tests.Support;

namespace ePost.Storage.Tests.Local;

public class BudgetTests : IDisposable
{
    private readonly TempDataDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Object_over_the_size_limit_is_refused_and_counted()
    {
        using var store = SqliteObjectStore.Open(_dir.Path, new ObjectStoreSettings(maxObjectBytes: 500, maxTotalBytes: 10_000));
        var fits = TestObjects.Block(1, 500 - ObjectCodec.ContentBlockOverhead);
        var tooBig = TestObjects.Block(2, 501 - ObjectCodec.ContentBlockOverhead);

        Assert.Equal(PutOutcome.Stored, store.Put(fits, new LeaseInstant(1)).Outcome);
        var refused = store.Put(tooBig, new LeaseInstant(1));
        var refusedBytes = store.Put(tooBig.Encode(), new LeaseInstant(1));

        Assert.Equal(RefusalReason.TooLarge, refused.Reason);
        Assert.Contains("500", refused.Message);
        Assert.Equal(RefusalReason.TooLarge, refusedBytes.Reason);
        Assert.Equal(2, store.GetStats().RefusalsFor(RefusalReason.TooLarge));
        Assert.False(store.Contains(tooBig.Id));
    }

    [Fact]
    public void Flood_of_inserts_beyond_the_budget_is_refused_and_counted_and_what_fits_is_kept()
    {
        using var store = SqliteObjectStore.Open(_dir.Path, new ObjectStoreSettings(maxObjectBytes: 200, maxTotalBytes: 2_000));
        var blocks = Enumerable.Range(0, 100).Select(i => TestObjects.Block(i, 200 - ObjectCodec.ContentBlockOverhead)).ToList();

        var results = blocks.Select(b => store.Put(b, new LeaseInstant(1))).ToList();

        Assert.Equal(10, results.Count(r => r.Outcome == PutOutcome.Stored));
        Assert.All(results.Skip(10), r => Assert.Equal(RefusalReason.OverBudget, r.Reason));
        var stats = store.GetStats();
        Assert.Equal(90, stats.RefusalsFor(RefusalReason.OverBudget));
        Assert.Equal(2_000, stats.TotalBytes);
        Assert.Equal(10, stats.ObjectCount);
        Assert.All(blocks.Take(10), b => Assert.Equal(GetOutcome.Found, store.Get(b.Id).Outcome));
    }

    [Fact]
    public void Collected_space_is_available_again()
    {
        using var store = SqliteObjectStore.Open(_dir.Path, new ObjectStoreSettings(maxObjectBytes: 200, maxTotalBytes: 400));
        store.Put(TestObjects.Block(1, 175), new LeaseInstant(5));
        store.Put(TestObjects.Block(2, 175), new LeaseInstant(50));
        Assert.Equal(RefusalReason.OverBudget, store.Put(TestObjects.Block(3, 175), new LeaseInstant(50)).Reason);

        store.CollectExpired(new LeaseInstant(10), 10);

        Assert.Equal(PutOutcome.Stored, store.Put(TestObjects.Block(3, 175), new LeaseInstant(50)).Outcome);
    }

    [Fact]
    public void A_signed_update_is_charged_only_for_its_growth()
    {
        var small = TestObjects.Head(1, payload: "x");
        var larger = TestObjects.Head(2, payload: "xxxxxxxxxx");
        using var store = SqliteObjectStore.Open(_dir.Path, new ObjectStoreSettings(maxObjectBytes: larger.EncodedLength, maxTotalBytes: larger.EncodedLength));
        store.Put(small, new LeaseInstant(1));

        Assert.Equal(PutOutcome.Updated, store.Put(larger, new LeaseInstant(1)).Outcome);
        Assert.Equal(larger.EncodedLength, store.GetStats().TotalBytes);
    }

    [Fact]
    public void Settings_that_cannot_work_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ObjectStoreSettings(0, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ObjectStoreSettings(100, 99));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ObjectStoreSettings(ObjectStoreSettings.HardMaxObjectBytes + 1, long.MaxValue));
    }
}
