using ePost.Storage.Leases;
using ePost.Storage.Local;
using ePost.Storage.Objects;
using ePost.Storage.Tests.Support;

namespace ePost.Storage.Tests.Local;

public class PutAndGetTests : IDisposable
{
    private readonly TempDataDirectory _dir = new();
    private readonly SqliteObjectStore _store;

    public PutAndGetTests() => _store = SqliteObjectStore.Open(_dir.Path);

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void Content_block_put_twice_keeps_the_copy_and_only_extends_the_lease()
    {
        var block = TestObjects.Block(1);
        Assert.Equal(PutOutcome.Stored, _store.Put(block, new LeaseInstant(100)).Outcome);

        var again = _store.Put(block, new LeaseInstant(300));
        var shorter = _store.Put(block, new LeaseInstant(50));

        Assert.Equal(PutOutcome.AlreadyHeld, again.Outcome);
        Assert.Equal(new LeaseInstant(300), again.Expiry);
        Assert.Equal(PutOutcome.AlreadyHeld, shorter.Outcome);
        Assert.Equal(new LeaseInstant(300), shorter.Expiry);
        Assert.Equal(1, _store.GetStats().ObjectCount);
    }

    [Fact]
    public void Newer_signed_version_replaces_the_held_one_and_keeps_the_longer_lease()
    {
        _store.Put(TestObjects.Head(1), new LeaseInstant(1000));

        var result = _store.Put(TestObjects.Head(2), new LeaseInstant(400));

        Assert.Equal(PutOutcome.Updated, result.Outcome);
        Assert.Equal(new LeaseInstant(1000), result.Expiry);
        var read = _store.Get(TestObjects.Head(2).Id);
        Assert.Equal(2ul, Assert.IsType<SignedObject>(read.Object).Version);
        Assert.Equal(1, _store.GetStats().ObjectCount);
        Assert.Equal(TestObjects.Head(2).EncodedLength, _store.GetStats().TotalBytes);
    }

    [Fact]
    public void Stale_version_is_refused_with_its_reason_and_the_newer_copy_stays()
    {
        _store.Put(TestObjects.Head(5), new LeaseInstant(10));

        var result = _store.Put(TestObjects.Head(4), new LeaseInstant(99));

        Assert.Equal(PutOutcome.Refused, result.Outcome);
        Assert.Equal(RefusalReason.StaleVersion, result.Reason);
        Assert.Equal(5ul, ((SignedObject)_store.Get(TestObjects.Head(5).Id).Object!).Version);
        Assert.Equal(new LeaseInstant(10), _store.Get(TestObjects.Head(5).Id).Expiry);
        Assert.Equal(1, _store.GetStats().RefusalsFor(RefusalReason.StaleVersion));
    }

    [Fact]
    public void Bad_signature_and_wrong_owner_are_refused_with_their_reasons()
    {
        var genuine = TestObjects.Head(1);
        var badSignature = new SignedObject(genuine.Id, genuine.OwnerKey, genuine.Label, 2, genuine.Payload, genuine.Signature);
        var mallorys = SignedObject.Create(TestObjects.Mallory, "inbox", 3, "x"u8);
        var wrongOwner = new SignedObject(genuine.Id, mallorys.OwnerKey, "inbox", 3, mallorys.Payload,
            TestObjects.Mallory.Sign(SignedObject.SignedBytes(genuine.Id, 3, mallorys.Payload.Span)));
        _store.Put(genuine, new LeaseInstant(10));

        Assert.Equal(RefusalReason.BadSignature, _store.Put(badSignature, new LeaseInstant(10)).Reason);
        Assert.Equal(RefusalReason.IdNotDerivedFromOwner, _store.Put(wrongOwner, new LeaseInstant(10)).Reason);
        Assert.Equal(1ul, ((SignedObject)_store.Get(genuine.Id).Object!).Version);
        var stats = _store.GetStats();
        Assert.Equal(1, stats.RefusalsFor(RefusalReason.BadSignature));
        Assert.Equal(1, stats.RefusalsFor(RefusalReason.IdNotDerivedFromOwner));
    }

    [Fact]
    public void Same_version_with_other_bytes_is_refused_as_conflict_identical_copy_is_already_held()
    {
        _store.Put(TestObjects.Head(3, payload: "a"), new LeaseInstant(10));

        Assert.Equal(RefusalReason.VersionConflict, _store.Put(TestObjects.Head(3, payload: "b"), new LeaseInstant(10)).Reason);
        Assert.Equal(PutOutcome.AlreadyHeld, _store.Put(TestObjects.Head(3, payload: "a"), new LeaseInstant(10)).Outcome);
    }

    [Fact]
    public void Encodings_from_the_wire_are_decoded_checked_and_refusals_counted()
    {
        var block = TestObjects.Block(8);
        var mismatched = block.Encode();
        mismatched[^1] ^= 0x01;
        byte[] unknownKind = [7, .. block.Encode()[1..]];

        Assert.Equal(PutOutcome.Stored, _store.Put(block.Encode(), new LeaseInstant(1)).Outcome);
        Assert.Equal(RefusalReason.HashMismatch, _store.Put(mismatched, new LeaseInstant(1)).Reason);
        Assert.Equal(RefusalReason.UnknownKind, _store.Put(unknownKind, new LeaseInstant(1)).Reason);
        Assert.Equal(RefusalReason.Malformed, _store.Put(block.Encode()[..10], new LeaseInstant(1)).Reason);
        Assert.Equal(RefusalReason.Malformed, _store.Put([], new LeaseInstant(1)).Reason);

        var stats = _store.GetStats();
        Assert.Equal(1, stats.RefusalsFor(RefusalReason.HashMismatch));
        Assert.Equal(1, stats.RefusalsFor(RefusalReason.UnknownKind));
        Assert.Equal(2, stats.RefusalsFor(RefusalReason.Malformed));
        Assert.Equal(1, stats.ObjectCount);
    }

    [Fact]
    public void Missing_object_is_not_found_and_its_lease_cannot_be_extended()
    {
        var id = TestObjects.Block(99).Id;
        Assert.Equal(GetOutcome.NotFound, _store.Get(id).Outcome);
        Assert.False(_store.Contains(id));
        Assert.Null(_store.ExtendLease(id, new LeaseInstant(5)));
    }

    [Fact]
    public void Extending_a_lease_only_ever_moves_it_later()
    {
        var block = TestObjects.Block(1);
        _store.Put(block, new LeaseInstant(100));

        Assert.Equal(new LeaseInstant(250), _store.ExtendLease(block.Id, new LeaseInstant(250)));
        Assert.Equal(new LeaseInstant(250), _store.ExtendLease(block.Id, new LeaseInstant(120)));
        Assert.Equal(new LeaseInstant(250), _store.Get(block.Id).Expiry);
        Assert.True(_store.Contains(block.Id));
    }
}
