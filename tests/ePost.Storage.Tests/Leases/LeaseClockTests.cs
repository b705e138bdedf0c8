using ePost.Core.Time;
using ePost.Storage.Leases;
using ePost.Storage.Tests.Support;

namespace ePost.Storage.Tests.Leases;

public class LeaseClockTests
{
    [Fact]
    public void New_node_starts_at_zero_and_advances_with_monotonic_time()
    {
        var time = new ManualMonotonicClock(TimeSpan.FromHours(5)); // the source's origin is arbitrary
        var clock = LeaseClock.Resume(time, new MemoryMetaStore());

        Assert.Equal(LeaseInstant.Zero, clock.Now);
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(new LeaseInstant(120_000), clock.Now);
    }

    [Fact]
    public void Restart_resumes_from_the_last_checkpoint_not_from_zero()
    {
        var meta = new MemoryMetaStore();
        var firstRun = new ManualMonotonicClock();
        var clock = LeaseClock.Resume(firstRun, meta);
        firstRun.AdvanceDays(3);
        clock.Checkpoint();

        var secondRun = new ManualMonotonicClock(TimeSpan.FromSeconds(17));
        var resumed = LeaseClock.Resume(secondRun, meta);
        secondRun.AdvanceDays(1);

        Assert.Equal(new LeaseInstant((long)TimeSpan.FromDays(4).TotalMilliseconds), resumed.Now);
    }

    [Fact]
    public void Crash_loses_only_time_since_the_checkpoint_which_lengthens_leases()
    {
        var meta = new MemoryMetaStore();
        var time = new ManualMonotonicClock();
        var clock = LeaseClock.Resume(time, meta);
        time.AdvanceDays(1);
        clock.Checkpoint();
        var expiry = clock.ExpiryFor(LeaseDuration.FromDays(2)); // granted after the checkpoint...
        time.Advance(TimeSpan.FromSeconds(25));                  // ...then the node crashes before the next one

        var afterCrash = LeaseClock.Resume(new ManualMonotonicClock(), meta);

        Assert.Equal(clock.LastCheckpoint, afterCrash.Now);
        Assert.True(afterCrash.Now < clock.Now);
        // The lease has more counter left to run than before the crash: it lasts longer, never shorter.
        Assert.True(expiry.Milliseconds - afterCrash.Now.Milliseconds > expiry.Milliseconds - clock.Now.Milliseconds);
    }

    [Fact]
    public void Expiry_is_now_plus_the_duration_and_expires_at_that_instant()
    {
        var time = new ManualMonotonicClock();
        var clock = LeaseClock.Resume(time, new MemoryMetaStore());
        time.AdvanceDays(1);
        var expiry = clock.ExpiryFor(LeaseDuration.FromDays(21));

        time.AdvanceDays(21);
        Assert.True(clock.HasExpired(expiry));
        Assert.Equal(expiry, clock.Now);
    }

    [Fact]
    public void Counter_never_goes_back_even_if_the_time_source_does()
    {
        var source = new SteppingBackClock();
        var clock = LeaseClock.Resume(source, new MemoryMetaStore());
        source.Elapsed = TimeSpan.FromSeconds(10);
        var high = clock.Now;
        source.Elapsed = TimeSpan.FromSeconds(3);
        Assert.Equal(high, clock.Now);
    }

    [Fact]
    public void Checkpoint_persists_exactly_the_counter_value()
    {
        var meta = new MemoryMetaStore();
        var time = new ManualMonotonicClock();
        var clock = LeaseClock.Resume(time, meta);
        time.Advance(TimeSpan.FromMilliseconds(1234));

        var written = clock.Checkpoint();

        Assert.Equal(new LeaseInstant(1234), written);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 0x04, 0xD2 }, meta.ReadMeta(LeaseClock.MetaKey));
        Assert.Equal(1, meta.Writes);
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { 0xFF, 0, 0, 0, 0, 0, 0, 0 })]
    public void Corrupt_persisted_counter_is_refused_rather_than_guessed(byte[] stored)
    {
        var meta = new MemoryMetaStore();
        meta.WriteMeta(LeaseClock.MetaKey, stored);
        Assert.Throws<InvalidDataException>(() => LeaseClock.Resume(new ManualMonotonicClock(), meta));
    }

    [Fact]
    public void Lease_durations_outside_one_millisecond_to_ten_years_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LeaseDuration.FromMilliseconds(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => LeaseDuration.FromMilliseconds(-5));
        Assert.Throws<ArgumentOutOfRangeException>(() => LeaseDuration.FromDays(3651));
        Assert.False(LeaseDuration.TryFromMilliseconds(long.MaxValue, out _));
        Assert.True(LeaseDuration.TryFromMilliseconds(1, out var shortest));
        Assert.Equal(1, shortest.Milliseconds);
    }

    [Fact]
    public void Expiry_saturates_instead_of_wrapping()
    {
        var near = new LeaseInstant(long.MaxValue - 10);
        Assert.Equal(new LeaseInstant(long.MaxValue), near + LeaseDuration.FromDays(1));
    }

    private sealed class SteppingBackClock : IMonotonicClock
    {
        public TimeSpan Elapsed { get; set; }
    }
}
