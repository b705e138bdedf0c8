using System.Buffers.Binary;
using ePost.Core.Ids;
using ePost.Storage.Objects;
using ePost.Storage.Tests.Support;

namespace ePost.Storage.Tests.Objects;

public class ObjectCodecTests
{
    private const int Limit = 64 * 1024;

    [Fact]
    public void Content_block_encoding_is_kind_id_length_and_data()
    {
        var block = ContentBlock.Create("hello"u8);
        var encoded = block.Encode();

        Assert.Equal(1 + 20 + 4 + 5, encoded.Length);
        Assert.Equal(block.EncodedLength, encoded.Length);
        Assert.Equal((byte)ObjectKind.ContentBlock, encoded[0]);
        Assert.Equal(block.Id.ToBytes(), encoded[1..21]);
        Assert.Equal(5u, BinaryPrimitives.ReadUInt32BigEndian(encoded.AsSpan(21)));
        Assert.Equal("hello"u8.ToArray(), encoded[25..]);
    }

    [Fact]
    public void Content_block_round_trips()
    {
        var block = TestObjects.Block(1, 1000);
        var decoded = Assert.IsType<ContentBlock>(ObjectCodec.Decode(block.Encode(), Limit));
        Assert.Equal(block.Id, decoded.Id);
        Assert.Equal(block.Data.ToArray(), decoded.Data.ToArray());
    }

    [Fact]
    public void Signed_object_round_trips_field_for_field()
    {
        var head = SignedObject.Create(TestObjects.Alice, "Entwürfe", 42, "payload"u8);
        var decoded = Assert.IsType<SignedObject>(ObjectCodec.Decode(head.Encode(), Limit));

        Assert.Equal(head.Id, decoded.Id);
        Assert.Equal(head.OwnerKey.ToArray(), decoded.OwnerKey.ToArray());
        Assert.Equal("Entwürfe", decoded.Label);
        Assert.Equal(42ul, decoded.Version);
        Assert.Equal("payload"u8.ToArray(), decoded.Payload.ToArray());
        Assert.Equal(head.Signature.ToArray(), decoded.Signature.ToArray());
        Assert.Equal(head.Encode(), decoded.Encode());
        Assert.Equal(head.EncodedLength, head.Encode().Length);
    }

    [Fact]
    public void Every_truncation_of_a_valid_encoding_is_refused_as_malformed()
    {
        foreach (var encoded in new[] { TestObjects.Block(2, 40).Encode(), TestObjects.Head(3).Encode() })
        {
            for (var length = 0; length < encoded.Length; length++)
            {
                var e = Assert.Throws<ObjectFormatException>(() => ObjectCodec.Decode(encoded.AsSpan(0, length), Limit));
                Assert.Equal(RefusalReason.Malformed, e.Reason);
            }
        }
    }

    [Fact]
    public void Trailing_bytes_are_refused()
    {
        byte[] padded = [.. TestObjects.Head(1).Encode(), 0];
        var e = Assert.Throws<ObjectFormatException>(() => ObjectCodec.Decode(padded, Limit));
        Assert.Equal(RefusalReason.Malformed, e.Reason);
        Assert.Contains("follow", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    [InlineData(255)]
    public void Unknown_kinds_are_refused(byte kind)
    {
        var encoded = TestObjects.Block(3).Encode();
        encoded[0] = kind;
        var e = Assert.Throws<ObjectFormatException>(() => ObjectCodec.Decode(encoded, Limit));
        Assert.Equal(RefusalReason.UnknownKind, e.Reason);
    }

    [Fact]
    public void Input_over_the_limit_is_refused_before_it_is_parsed()
    {
        // Not even a valid kind: the size check comes first, so oversized garbage costs nothing to refuse.
        var e = Assert.Throws<ObjectFormatException>(() => ObjectCodec.Decode(new byte[Limit + 1], Limit));
        Assert.Equal(RefusalReason.TooLarge, e.Reason);
    }

    [Fact]
    public void A_length_prefix_larger_than_the_input_is_refused_without_allocating_it()
    {
        var encoded = TestObjects.Block(4, 10).Encode();
        BinaryPrimitives.WriteUInt32BigEndian(encoded.AsSpan(21), uint.MaxValue);
        var e = Assert.Throws<ObjectFormatException>(() => ObjectCodec.Decode(encoded, Limit));
        Assert.Equal(RefusalReason.Malformed, e.Reason);
        Assert.Contains("4294967295", e.Message);
    }

    [Fact]
    public void A_label_longer_than_allowed_or_not_utf8_is_refused()
    {
        var encoded = TestObjects.Head(1, label: "x").Encode();
        var labelLengthAt = 1 + 20 + 32;

        var tooLong = (byte[])encoded.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(tooLong.AsSpan(labelLengthAt), SignedObject.MaxLabelBytes + 1);
        Assert.Equal(RefusalReason.Malformed, Assert.Throws<ObjectFormatException>(() => ObjectCodec.Decode(tooLong, Limit)).Reason);

        var notUtf8 = (byte[])encoded.Clone();
        notUtf8[labelLengthAt + 2] = 0xFF;
        var e = Assert.Throws<ObjectFormatException>(() => ObjectCodec.Decode(notUtf8, Limit));
        Assert.Equal(RefusalReason.Malformed, e.Reason);
        Assert.Contains("UTF-8", e.Message);
    }

    [Fact]
    public void Signed_bytes_follow_the_documented_layout()
    {
        var id = RingId.Parse("0102030405060708090a0b0c0d0e0f1011121314");
        var bytes = SignedObject.SignedBytes(id, 0x0102030405060708, "ab"u8);

        var expected = Convert.ToHexStringLower("epost/signed-object/v1"u8)
            + "0102030405060708090a0b0c0d0e0f1011121314"
            + "0102030405060708"
            + "00000002" + "6162";
        Assert.Equal(expected, Convert.ToHexStringLower(bytes));
    }

    [Fact]
    public void Signed_object_id_is_the_domain_separated_hash_of_owner_key_and_label()
    {
        var key = TestObjects.Alice.PublicKey;
        byte[] input = [.. "epost/signed-object-id/v1"u8, .. key, 0x00, 0x05, .. "inbox"u8];

        Assert.Equal(RingId.FromSha256(input), SignedObject.IdFor(key, "inbox"));
        Assert.NotEqual(SignedObject.IdFor(key, "inbox"), SignedObject.IdFor(key, "inbox2"));
        Assert.NotEqual(SignedObject.IdFor(key, "inbox"), SignedObject.IdFor(TestObjects.Mallory.PublicKey, "inbox"));
    }

    [Fact]
    public void Labels_that_are_too_long_or_not_well_formed_text_cannot_be_created()
    {
        Assert.Throws<ArgumentException>(() => SignedObject.Create(TestObjects.Alice, new string('a', SignedObject.MaxLabelBytes + 1), 1, []));
        Assert.Throws<ArgumentException>(() => SignedObject.Create(TestObjects.Alice, "\ud800", 1, []));
    }
}
