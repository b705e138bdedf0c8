using ePost.Storage.Objects;
using ePost.Storage.Tests.Support;

namespace ePost.Storage.Tests.Objects;

public class ObjectValidatorTests
{
    private const int Limit = 64 * 1024;

    [Fact]
    public void Genuine_block_and_signed_object_are_accepted()
    {
        Assert.True(ObjectValidator.Check(TestObjects.Block(1), Limit).IsAccepted);
        Assert.True(ObjectValidator.Check(TestObjects.Head(1), Limit).IsAccepted);
    }

    [Fact]
    public void Block_whose_id_does_not_match_its_content_is_refused_as_hash_mismatch()
    {
        var forged = new ContentBlock(TestObjects.Block(1).Id, TestObjects.Block(2).Data);
        var result = ObjectValidator.Check(forged, Limit);
        Assert.Equal(RefusalReason.HashMismatch, result.Reason);
        Assert.Contains(forged.Id.ToShortString(), result.Message);
    }

    [Fact]
    public void Signed_object_with_a_tampered_payload_is_refused_as_bad_signature()
    {
        var head = TestObjects.Head(5);
        var tampered = new SignedObject(head.Id, head.OwnerKey, head.Label, head.Version, "other"u8.ToArray(), head.Signature);
        Assert.Equal(RefusalReason.BadSignature, ObjectValidator.Check(tampered, Limit).Reason);
    }

    [Fact]
    public void Signed_object_with_a_raised_version_is_refused_as_bad_signature()
    {
        var head = TestObjects.Head(5);
        var replayed = new SignedObject(head.Id, head.OwnerKey, head.Label, 6, head.Payload, head.Signature);
        Assert.Equal(RefusalReason.BadSignature, ObjectValidator.Check(replayed, Limit).Reason);
    }

    [Fact]
    public void Object_signed_by_someone_else_under_the_owners_id_is_refused_as_not_derived_from_owner()
    {
        // Mallory signs correctly with her own key but claims Alice's id: her key does not derive that id.
        var alices = TestObjects.Head(1);
        var mallorys = SignedObject.Create(TestObjects.Mallory, "inbox", 9, "evil"u8);
        var hijack = new SignedObject(alices.Id, mallorys.OwnerKey, "inbox", 9, mallorys.Payload,
            TestObjects.Mallory.Sign(SignedObject.SignedBytes(alices.Id, 9, mallorys.Payload.Span)));

        Assert.Equal(RefusalReason.IdNotDerivedFromOwner, ObjectValidator.Check(hijack, Limit).Reason);
    }

    [Fact]
    public void Object_over_the_size_limit_is_refused_as_too_large()
    {
        var block = TestObjects.Block(1, 1000);
        Assert.Equal(RefusalReason.TooLarge, ObjectValidator.Check(block, block.EncodedLength - 1).Reason);
        Assert.True(ObjectValidator.Check(block, block.EncodedLength).IsAccepted);
    }

    [Fact]
    public void Lower_version_than_held_is_refused_as_stale()
    {
        var result = ObjectValidator.Check(TestObjects.Head(3), TestObjects.Head(4), Limit);
        Assert.Equal(RefusalReason.StaleVersion, result.Reason);
        Assert.Contains("v3", result.Message);
        Assert.Contains("v4", result.Message);
    }

    [Fact]
    public void Same_version_with_different_bytes_is_refused_as_conflict_and_identical_copy_is_accepted()
    {
        var held = TestObjects.Head(4, payload: "a");
        Assert.Equal(RefusalReason.VersionConflict, ObjectValidator.Check(TestObjects.Head(4, payload: "b"), held, Limit).Reason);
        Assert.True(ObjectValidator.Check(TestObjects.Head(4, payload: "a"), held, Limit).IsAccepted);
        Assert.True(ObjectValidator.Check(TestObjects.Head(5), held, Limit).IsAccepted);
    }

    [Fact]
    public void Decoding_refusals_carry_their_reason()
    {
        byte[] unknown = [9, .. new byte[30]];
        Assert.Equal(RefusalReason.UnknownKind, ObjectValidator.DecodeAndCheck(unknown, Limit, out var a).Reason);
        Assert.Equal(RefusalReason.Malformed, ObjectValidator.DecodeAndCheck([1, 2, 3], Limit, out var b).Reason);
        Assert.Equal(RefusalReason.TooLarge, ObjectValidator.DecodeAndCheck(new byte[Limit + 1], Limit, out var c).Reason);
        Assert.Null(a);
        Assert.Null(b);
        Assert.Null(c);

        var encoded = TestObjects.Block(1).Encode();
        encoded[^1] ^= 1;
        Assert.Equal(RefusalReason.HashMismatch, ObjectValidator.DecodeAndCheck(encoded, Limit, out var d).Reason);
        Assert.Null(d);
    }

    [Fact]
    public void Reader_takes_the_highest_valid_version_ignoring_forgeries_and_rollbacks()
    {
        var v3 = TestObjects.Head(3);
        var v4 = TestObjects.Head(4);
        var v5 = TestObjects.Head(5);
        var forgedV9 = new SignedObject(v5.Id, v5.OwnerKey, v5.Label, 9, v5.Payload, v5.Signature);

        var newest = ObjectValidator.SelectNewest(v5.Id, [v3, forgedV9, null, v5, v4, TestObjects.Block(1)], Limit);

        Assert.Same(v5, newest);
        Assert.Null(ObjectValidator.SelectNewest(v5.Id, [forgedV9], Limit));
    }

    [Fact]
    public void Readers_break_a_same_version_fork_the_same_way_whatever_order_replicas_answer()
    {
        var a = TestObjects.Head(7, payload: "left");
        var b = TestObjects.Head(7, payload: "right");

        var one = ObjectValidator.SelectNewest(a.Id, [a, b], Limit);
        var other = ObjectValidator.SelectNewest(a.Id, [b, a], Limit);

        Assert.Same(one, other);
    }
}
