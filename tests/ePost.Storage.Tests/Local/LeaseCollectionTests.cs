using ePost.Storage.Leases;
using ePost.Storage.Local;
using ePost.Storage.Tests.Support;

namespace ePost.Storage.Tests.Local;

public class LeaseCollectionTests : IDisposable
{
    private static readonly LeaseDuration ThreeWeeks = LeaseDuration.FromDays(21);
    private readonly TempDataDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Object_not_renewed_is_collected_once_its_lease_has_run_and_not_before()
    {
        using var store = SqliteObjectStore.Open(_dir.Path);
        var time = new ManualMonotonicClock();
        var clock = LeaseClock.Resume(time, store);
        var block = TestObjects.Block(1);
        store.Put(block, clock.ExpiryFor(ThreeWeeks));

        time.AdvanceDays(20);
        Assert.Equal(0, store.CollectExpired(clock.Now, 100));
        time.AdvanceDays(1.5);
        Assert.Equal(1, store.CollectExpired(clock.Now, 100));
        Assert.Equal(0, store.GetStats().ObjectCount);
        Assert.Equal(1, store.GetStats().ExpiredCollected);
        Assert.Equal(GetOutcome.NotFound, store.Get(block.Id).Outcome);
    }

    [Fact]
    public void Leases_due_within_a_window_are_counted_with_their_bytes_and_the_earliest_end()
    {
        using var store = SqliteObjectStore.Open(_dir.Path);
        var time = new ManualMonotonicClock();
        var clock = LeaseClock.Resume(time, store);
        Assert.Equal(new LeasesDue(0, 0, null), store.LeasesDueBefore(clock.Now + LeaseDuration.FromDays(7)));
        var soon = TestObjects.Block(1, 300);
        var later = TestObjects.Block(2, 500);
        store.Put(soon, clock.ExpiryFor(LeaseDuration.FromDays(3)));
        store.Put(later, clock.ExpiryFor(LeaseDuration.FromDays(5)));
        store.Put(TestObjects.Block(3), clock.ExpiryFor(ThreeWeeks));

        var due = store.LeasesDueBefore(clock.Now + LeaseDuration.FromDays(7));
        Assert.Equal(2, due.Objects);
        Assert.Equal(store.Get(soon.Id).Object!.Encode().Length + store.Get(later.Id).Object!.Encode().Length, due.Bytes);
        Assert.Equal(clock.ExpiryFor(LeaseDuration.FromDays(3)), due.Earliest);
        // An object whose lease already ran but is not collected yet is due too.
        time.AdvanceDays(4);
        Assert.Equal(2, store.LeasesDueBefore(clock.Now + LeaseDuration.FromDays(2)).Objects);
    }

    [Fact]
    public void Object_survives_until_exactly_its_lease_end()
    {
        using var store = SqliteObjectStore.Open(_dir.Path);
        var time = new ManualMonotonicClock();
        var clock = LeaseClock.Resume(time, store);
        store.Put(TestObjects.Block(1), clock.ExpiryFor(ThreeWeeks));

        time.AdvanceDays(21);
        var justBefore = new LeaseInstant(clock.Now.Milliseconds - 1);

        Assert.Equal(0, store.CollectExpired(justBefore, 100));
        Assert.Equal(1, store.CollectExpired(clock.Now, 100));
    }

    [Fact]
    public void Renewed_object_survives_past_its_first_lease_and_the_unrenewed_one_does_not()
    {
        using var store = SqliteObjectStore.Open(_dir.Path);
        var time = new ManualMonotonicClock();
        var clock = LeaseClock.Resume(time, store);
        var kept = TestObjects.Block(1);
        var abandoned = TestObjects.Block(2);
        store.Put(kept, clock.ExpiryFor(ThreeWeeks));
        store.Put(abandoned, clock.ExpiryFor(ThreeWeeks));

        for (var day = 3; day <= 30; day += 3)
        {
            time.AdvanceDays(3);
            store.ExtendLease(kept.Id, clock.ExpiryFor(ThreeWeeks)); // the owner renews every 3 days
            store.CollectExpired(clock.Now, 100);
        }

        Assert.Equal(GetOutcome.Found, store.Get(kept.Id).Outcome);
        Assert.Equal(GetOutcome.NotFound, store.Get(abandoned.Id).Outcome);
    }

    [Fact]
    public void Expired_objects_are_collected_in_bounded_batches_earliest_first()
    {
        using var store = SqliteObjectStore.Open(_dir.Path);
        var blocks = Enumerable.Range(0, 25).Select(i => TestObjects.Block(i)).ToList();
        for (var i = 0; i < blocks.Count; i++) store.Put(blocks[i], new LeaseInstant(1000 + i));
        var live = TestObjects.Block(100);
        store.Put(live, new LeaseInstant(99_999));

        Assert.Equal(10, store.CollectExpired(new LeaseInstant(5000), 10));
        Assert.All(blocks.Take(10), b => Assert.False(store.Contains(b.Id)));
        Assert.All(blocks.Skip(10), b => Assert.True(store.Contains(b.Id)));
        Assert.Equal(10, store.CollectExpired(new LeaseInstant(5000), 10));
        Assert.Equal(5, store.CollectExpired(new LeaseInstant(5000), 10));
        Assert.Equal(0, store.CollectExpired(new LeaseInstant(5000), 10));
        Assert.True(store.Contains(live.Id));
        Assert.Equal(live.EncodedLength, store.GetStats().TotalBytes);
    }

    [Fact]
    public void Lease_outcomes_depend_only_on_each_nodes_own_running_time_not_on_its_counter_or_the_wall_clock()
    {
        // Two nodes with very different counters (one new, one that has run for years) and different monotonic
        // origins get the same request and the same running time: they must collect at the same moments.
        using var dirB = new TempDataDirectory();
        using var a = SqliteObjectStore.Open(_dir.Path);
        using var b = SqliteObjectStore.Open(dirB.Path);
        var yearsOfRunning = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(yearsOfRunning, 123_456_789_000L);
        b.WriteMeta(LeaseClock.MetaKey, yearsOfRunning);
        var timeA = new ManualMonotonicClock();
        var timeB = new ManualMonotonicClock(TimeSpan.FromDays(400));
        var clockA = LeaseClock.Resume(timeA, a);
        var clockB = LeaseClock.Resume(timeB, b);
        Assert.NotEqual(clockA.Now, clockB.Now);

        var blocks = Enumerable.Range(0, 6).Select(i => TestObjects.Block(i)).ToList();
        for (var i = 0; i < blocks.Count; i++)
        {
            var lease = LeaseDuration.FromDays(i + 1);
            a.Put(blocks[i], clockA.ExpiryFor(lease));
            b.Put(blocks[i], clockB.ExpiryFor(lease));
        }

        for (var hour = 0; hour < 24 * 7; hour += 5)
        {
            timeA.Advance(TimeSpan.FromHours(5));
            timeB.Advance(TimeSpan.FromHours(5));
            Assert.Equal(a.CollectExpired(clockA.Now, 100), b.CollectExpired(clockB.Now, 100));
            Assert.Equal(blocks.Select(x => a.Contains(x.Id)), blocks.Select(x => b.Contains(x.Id)));
        }
        Assert.Equal(0, a.GetStats().ObjectCount);
    }
}
