using ePost.Storage.Leases;
using ePost.Storage.Local;
using ePost.Storage.Tests.Support;

namespace ePost.Storage.Tests.Local;

public class CorruptionTests : IDisposable
{
    private readonly TempDataDirectory _dir = new();
    private readonly SqliteObjectStore _store;

    public CorruptionTests() => _store = SqliteObjectStore.Open(_dir.Path);

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    [Theory]
    [InlineData(0)]   // the kind byte
    [InlineData(5)]   // inside the id
    [InlineData(23)]  // the length prefix
    [InlineData(60)]  // the data
    public void Flipped_bytes_in_a_stored_block_are_detected_on_read_dropped_and_reported_corrupt(int offset)
    {
        var block = TestObjects.Block(1);
        var other = TestObjects.Block(2);
        _store.Put(block, new LeaseInstant(10));
        _store.Put(other, new LeaseInstant(10));
        RawDatabase.FlipEncodedByte(_store.DatabasePath, block.Id.ToBytes(), offset);

        var read = _store.Get(block.Id);

        Assert.Equal(GetOutcome.Corrupt, read.Outcome);
        Assert.Null(read.Object);
        Assert.False(string.IsNullOrEmpty(read.Problem));
        Assert.Equal(GetOutcome.NotFound, _store.Get(block.Id).Outcome);
        Assert.Equal(GetOutcome.Found, _store.Get(other.Id).Outcome);
        var stats = _store.GetStats();
        Assert.Equal(1, stats.CorruptDropped);
        Assert.Equal(1, stats.ObjectCount);
        Assert.Equal(other.EncodedLength, stats.TotalBytes);
    }

    [Fact]
    public void Flipped_byte_in_a_signed_object_is_detected_as_a_bad_signature()
    {
        var head = TestObjects.Head(4);
        _store.Put(head, new LeaseInstant(10));
        RawDatabase.FlipEncodedByte(_store.DatabasePath, head.Id.ToBytes(), head.EncodedLength - 70, 0x01);

        var read = _store.Get(head.Id);

        Assert.Equal(GetOutcome.Corrupt, read.Outcome);
        Assert.Contains("signature", read.Problem);
    }

    [Fact]
    public void A_good_copy_restores_a_corrupt_one_on_put()
    {
        var block = TestObjects.Block(1);
        _store.Put(block, new LeaseInstant(10));
        RawDatabase.FlipEncodedByte(_store.DatabasePath, block.Id.ToBytes(), 40);

        var repaired = _store.Put(block, new LeaseInstant(20));

        Assert.Equal(PutOutcome.Stored, repaired.Outcome);
        Assert.Equal(GetOutcome.Found, _store.Get(block.Id).Outcome);
        var stats = _store.GetStats();
        Assert.Equal(1, stats.CorruptDropped);
        Assert.Equal(1, stats.ObjectCount);
        Assert.Equal(block.EncodedLength, stats.TotalBytes);
    }

    [Fact]
    public void A_row_holding_another_objects_valid_bytes_is_corrupt()
    {
        var a = TestObjects.Block(1);
        var b = TestObjects.Block(2);
        _store.Put(a, new LeaseInstant(10));
        _store.Put(b, new LeaseInstant(10));
        RawDatabase.Execute(_store.DatabasePath, "UPDATE objects SET encoded = $e WHERE id = $id", ("$e", b.Encode()), ("$id", a.Id.ToBytes()));

        Assert.Equal(GetOutcome.Corrupt, _store.Get(a.Id).Outcome);
    }

    [Fact]
    public void Scrub_finds_corrupt_copies_in_bounded_batches_without_reading_them_first()
    {
        var blocks = Enumerable.Range(0, 25).Select(i => TestObjects.Block(i)).ToList();
        foreach (var block in blocks) _store.Put(block, new LeaseInstant(10));
        var victims = blocks.OrderBy(b => b.Id).Where((_, i) => i % 10 == 3).Select(b => b.Id).ToList();
        foreach (var id in victims) RawDatabase.FlipEncodedByte(_store.DatabasePath, id.ToBytes(), 30);

        var dropped = new List<ePost.Core.Ids.RingId>();
        var batches = 0;
        ePost.Core.Ids.RingId? cursor = null;
        do
        {
            var pass = _store.Scrub(cursor, maxBatch: 10);
            Assert.True(pass.Checked <= 10);
            dropped.AddRange(pass.Dropped);
            cursor = pass.Next;
            batches++;
        } while (cursor is not null);

        Assert.Equal(victims, dropped);
        Assert.Equal(3, batches);
        Assert.Equal(22, _store.GetStats().ObjectCount);
        Assert.Equal(3, _store.GetStats().CorruptDropped);
    }
}
