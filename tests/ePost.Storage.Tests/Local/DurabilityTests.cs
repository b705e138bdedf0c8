using ePost.Storage.Leases;
using ePost.Storage.Local;
using ePost.Storage.Objects;
using ePost.Storage.Tests.Support;

namespace ePost.Storage.Tests.Local;

public class DurabilityTests : IDisposable
{
    private readonly TempDataDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Objects_and_leases_survive_closing_and_reopening_the_database()
    {
        var block = TestObjects.Block(1);
        var head = TestObjects.Head(3);
        using (var store = SqliteObjectStore.Open(_dir.Path))
        {
            Assert.Equal(PutOutcome.Stored, store.Put(block, new LeaseInstant(500)).Outcome);
            Assert.Equal(PutOutcome.Stored, store.Put(head, new LeaseInstant(900)).Outcome);
        }

        using var reopened = SqliteObjectStore.Open(_dir.Path);
        var readBlock = reopened.Get(block.Id);
        var readHead = reopened.Get(head.Id);

        Assert.Equal(GetOutcome.Found, readBlock.Outcome);
        Assert.Equal(block.Data.ToArray(), Assert.IsType<ContentBlock>(readBlock.Object).Data.ToArray());
        Assert.Equal(new LeaseInstant(500), readBlock.Expiry);
        Assert.Equal(3ul, Assert.IsType<SignedObject>(readHead.Object).Version);
        Assert.Equal(new LeaseInstant(900), readHead.Expiry);
        var stats = reopened.GetStats();
        Assert.Equal(2, stats.ObjectCount);
        Assert.Equal(block.EncodedLength + head.EncodedLength, stats.TotalBytes);
    }

    [Fact]
    public void Lease_counter_resumes_from_the_checkpoint_after_reopening()
    {
        var firstRun = new ManualMonotonicClock();
        using (var store = SqliteObjectStore.Open(_dir.Path))
        {
            var clock = LeaseClock.Resume(firstRun, store);
            firstRun.AdvanceDays(2);
            clock.Checkpoint();
            firstRun.AdvanceDays(1); // not checkpointed: lost, as in a crash
        }

        using var reopened = SqliteObjectStore.Open(_dir.Path);
        var resumed = LeaseClock.Resume(new ManualMonotonicClock(TimeSpan.FromMinutes(9)), reopened);

        Assert.Equal(new LeaseInstant((long)TimeSpan.FromDays(2).TotalMilliseconds), resumed.Now);
    }

    [Fact]
    public void Database_uses_wal_with_full_synchronous_commits()
    {
        using var store = SqliteObjectStore.Open(_dir.Path);

        Assert.Equal("wal", store.ReadPragma("journal_mode"));
        Assert.Equal(2L, store.ReadPragma("synchronous")); // 2 = FULL
        Assert.Equal(Path.Combine(_dir.Path, SqliteObjectStore.FileName), store.DatabasePath);
    }

    [Fact]
    public void Meta_values_are_durable_and_the_schema_version_is_reserved()
    {
        using (var store = SqliteObjectStore.Open(_dir.Path))
        {
            store.WriteMeta("node-epoch", [7]);
            store.WriteMeta("node-epoch", [8]);
            Assert.Throws<ArgumentException>(() => store.WriteMeta("schema-version", [9]));
        }

        using var reopened = SqliteObjectStore.Open(_dir.Path);
        Assert.Equal(new byte[] { 8 }, reopened.ReadMeta("node-epoch"));
        Assert.Null(reopened.ReadMeta("never-written"));
        Assert.Equal("3"u8.ToArray(), reopened.ReadMeta("schema-version"));
    }

    [Fact]
    public void A_version_1_database_keeps_its_objects_uncharged_and_charges_new_ones_to_their_writer()
    {
        var old = TestObjects.Block(41, 1000);
        using (var store = SqliteObjectStore.Open(_dir.Path)) Assert.Equal(PutOutcome.Stored, store.Put(old, new LeaseInstant(500)).Outcome);
        // Back to the version-1 layout, as a database written before writer quotas looks.
        RawDatabase.Execute(Path.Combine(_dir.Path, SqliteObjectStore.FileName),
            "DROP TABLE versions_seen; DROP INDEX objects_by_writer; ALTER TABLE objects DROP COLUMN writer; UPDATE meta SET value = $v WHERE key = 'schema-version'", ("$v", "1"u8.ToArray()));

        using var migrated = SqliteObjectStore.Open(_dir.Path);
        Assert.Equal(GetOutcome.Found, migrated.Get(old.Id).Outcome);
        Assert.Equal(0, migrated.UsageOf("loop://w"));
        var charge = new WriterCharge("loop://w", 2500);
        Assert.Equal(PutOutcome.Stored, migrated.Put(TestObjects.Block(42, 1000), new LeaseInstant(500), charge).Outcome);
        Assert.Equal(PutOutcome.Stored, migrated.Put(TestObjects.Block(43, 1000), new LeaseInstant(500), charge).Outcome);
        Assert.Equal(RefusalReason.OverQuota, migrated.Put(TestObjects.Block(44, 1000), new LeaseInstant(500), charge).Reason);
        Assert.True(migrated.UsageOf("loop://w") is > 2000 and <= 2500);
    }

    [Fact]
    public void The_newest_version_ever_held_survives_restart_and_expiry_and_an_older_one_is_refused_forever()
    {
        using (var store = SqliteObjectStore.Open(_dir.Path))
        {
            Assert.Equal(PutOutcome.Stored, store.Put(TestObjects.Head(5), new LeaseInstant(500)).Outcome);
            Assert.Equal(1, store.CollectExpired(new LeaseInstant(1000), 10));
            Assert.Equal(GetOutcome.NotFound, store.Get(TestObjects.Head(5).Id).Outcome);
            store.RememberVersion(TestObjects.Head(9).Id, 7);
        }

        using var reopened = SqliteObjectStore.Open(_dir.Path);
        Assert.Equal(7UL, reopened.NewestVersionSeen(TestObjects.Head(5).Id));
        // A replica (or a writer replaying an old head) offering v6 after the node saw v7: refused although nothing is held.
        var stale = reopened.Put(TestObjects.Head(6), new LeaseInstant(5000));
        Assert.Equal(RefusalReason.StaleVersion, stale.Reason);
        Assert.Equal(PutOutcome.Stored, reopened.Put(TestObjects.Head(7), new LeaseInstant(5000)).Outcome);
        reopened.RememberVersion(TestObjects.Head(7).Id, 3);
        Assert.Equal(7UL, reopened.NewestVersionSeen(TestObjects.Head(7).Id));
    }

    [Fact]
    public void Database_from_a_newer_build_is_refused_with_a_clear_error()
    {
        using (SqliteObjectStore.Open(_dir.Path)) { }
        RawDatabase.Execute(Path.Combine(_dir.Path, SqliteObjectStore.FileName),
            "UPDATE meta SET value = $v WHERE key = 'schema-version'", ("$v", "99"u8.ToArray()));

        var e = Assert.Throws<InvalidDataException>(() => SqliteObjectStore.Open(_dir.Path));
        Assert.Contains("99", e.Message);
    }

    [Fact]
    public void Closed_store_refuses_further_use()
    {
        var store = SqliteObjectStore.Open(_dir.Path);
        store.Dispose();
        store.Dispose();
        Assert.Throws<ObjectDisposedException>(() => store.Get(TestObjects.Block(1).Id));
    }
}
