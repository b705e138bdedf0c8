using ePost.Core.Ids;
using ePost.Storage.Leases;
using ePost.Storage.Local;
using ePost.Storage.Tests.Support;

namespace ePost.Storage.Tests.Local;

public class RangeListingTests : IDisposable
{
    private readonly TempDataDirectory _dir = new();
    private readonly SqliteObjectStore _store;
    private readonly List<RingId> _ids;

    public RangeListingTests()
    {
        _store = SqliteObjectStore.Open(_dir.Path);
        _ids = Enumerable.Range(0, 60).Select(i => TestObjects.Block(i, 20)).Select(b =>
        {
            _store.Put(b, new LeaseInstant(b.Id.Digit(0, 8)));
            return b.Id;
        }).ToList();
    }

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    private List<HeldObject> ListAll(RingArc arc, int pageSize)
    {
        var all = new List<HeldObject>();
        RingId? cursor = null;
        var pages = 0;
        do
        {
            var page = _store.ListRange(arc, cursor, pageSize);
            Assert.True(page.Items.Count <= pageSize);
            all.AddRange(page.Items);
            cursor = page.Next;
            Assert.True(++pages < 1000);
        } while (cursor is not null);
        return all;
    }

    private List<RingId> ExpectedClockwise(RingArc arc) =>
        _ids.Where(arc.Contains).OrderBy(id => RingId.ClockwiseDistance(arc.Start, id)).ToList();

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(100)]
    public void Whole_ring_lists_every_id_once_in_order_with_its_expiry(int pageSize)
    {
        var listed = ListAll(RingArc.Whole, pageSize);

        Assert.Equal(_ids.Order().ToList(), listed.Select(h => h.Id).ToList());
        Assert.All(listed, h => Assert.Equal(new LeaseInstant(h.Id.Digit(0, 8)), h.Expiry));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(50)]
    public void Arc_that_wraps_past_the_top_lists_clockwise_across_the_wrap(int pageSize)
    {
        var arc = new RingArc(RingId.FromFraction(3, 4), RingId.FromFraction(1, 4));
        Assert.True(arc.Wraps);

        var listed = ListAll(arc, pageSize).Select(h => h.Id).ToList();

        Assert.Equal(ExpectedClockwise(arc), listed);
        Assert.NotEmpty(listed);
    }

    [Fact]
    public void Plain_arc_lists_only_its_ids_and_includes_both_ends()
    {
        var sorted = _ids.Order().ToList();
        var arc = new RingArc(sorted[10], sorted[20]);

        Assert.Equal(sorted[10..21], ListAll(arc, 3).Select(h => h.Id).ToList());
    }

    [Fact]
    public void Bad_cursor_and_page_sizes_are_refused()
    {
        var arc = new RingArc(RingId.FromFraction(1, 4), RingId.FromFraction(2, 4));
        Assert.Throws<ArgumentException>(() => _store.ListRange(arc, RingId.FromFraction(3, 4), 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => _store.ListRange(arc, null, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => _store.ListRange(arc, null, SqliteObjectStore.MaxPage + 1));
    }
}
