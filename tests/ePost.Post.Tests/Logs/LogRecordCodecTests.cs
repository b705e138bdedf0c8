using System.Buffers.Binary;
using ePost.Post.Logs;
using static ePost.Post.Tests.Logs.LogSamples;

namespace ePost.Post.Tests.Logs;

public sealed class LogRecordCodecTests
{
    public static TheoryData<string, LogRecord> EveryKind()
    {
        var folder = Folder(Insert(1, 1, 1, "d1", "\\Seen", "$Label"), Insert(2, 5, 2), Flags(3, 5, "\\Flagged"));
        var root = Root(Create(1, 42, "INBOX", 1), Create(2, 7, "Archiv/2026 ☃", 2), Subscribe(3, "INBOX"));
        return new()
        {
            { "insert", Insert(1, 3, 9, "delivery-1", "\\Seen", "\\Answered") },
            { "insert without delivery id", Insert(2, 4, 10) },
            { "delete", Delete(3, 1, 2, 4_000_000_000) },
            { "flags", new LogRecord(4, BlockId(4), null, new FlagsChanged([new FlagSet(1, ["\\Seen"]), new FlagSet(2, [])])) },
            { "folder snapshot", new LogRecord(5, BlockId(5), null, new FolderSnapshot(folder)) },
            { "empty folder snapshot", Record(6, new FolderSnapshot(FolderLogState.Empty(99))) },
            { "merge record", new LogRecord(7, BlockId(7), BlockId(8), new FolderSnapshot(folder)) },
            { "folder created", Create(1, ulong.MaxValue, "Sent", 3) },
            { "folder renamed", Rename(2, 42, "Inbox old") },
            { "folder deleted", DeleteFolder(3, 42) },
            { "subscribed", Subscribe(4, "Lists/dotnet") },
            { "unsubscribed", Subscribe(5, "Lists/dotnet", subscribed: false) },
            { "root snapshot", Record(6, new RootSnapshot(root)) },
        };
    }

    [Theory]
    [MemberData(nameof(EveryKind))]
    public void Every_entry_kind_survives_a_round_trip_byte_for_byte(string kind, LogRecord record)
    {
        var bytes = LogRecordCodec.Encode(record);
        var decoded = LogRecordCodec.Decode(bytes);

        Assert.Equal(bytes, LogRecordCodec.Encode(decoded));
        Assert.Equal(record.Seq, decoded.Seq);
        Assert.Equal(record.Previous, decoded.Previous);
        Assert.Equal(record.MergedFrom, decoded.MergedFrom);
        Assert.Equal(record.Entry.GetType(), decoded.Entry.GetType());
        Assert.Equal(LogRecordCodec.Version, bytes[0]);
        _ = kind;  // names the case in the test output
    }

    [Fact]
    public void Decoded_insert_carries_every_field()
    {
        var record = Insert(9, 12, 3, "notification-77", "\\Seen", "$Work");

        var insert = Assert.IsType<MessageInserted>(LogRecordCodec.Decode(LogRecordCodec.Encode(record)).Entry);

        Assert.Equal(12u, insert.Uid);
        Assert.Equal(["\\Seen", "$Work"], insert.Flags);
        Assert.Equal(1_700_000_000_003, insert.InternalDateMs);
        Assert.Equal(1003, insert.Size);
        Assert.Equal(Ref(3), insert.Ref);
        Assert.Equal("notification-77", insert.DeliveryId);
    }

    [Fact]
    public void Decoded_snapshots_equal_the_states_they_were_made_from()
    {
        var folder = Folder(Insert(1, 1, 1, "d1", "\\Seen"), Insert(2, 2, 2, "d2"), Delete(3, 1), Flags(4, 2, "\\Draft"));
        var root = Root(Create(1, 5, "INBOX", 1), Create(2, 6, "Work", 2), Rename(3, 6, "Job"), Subscribe(4, "Job"));

        var decodedFolder = LogRecordCodec.Decode(LogRecordCodec.Encode(Record(5, new FolderSnapshot(folder))));
        var decodedRoot = LogRecordCodec.Decode(LogRecordCodec.Encode(Record(5, new RootSnapshot(root))));

        Assert.Equal(folder, Assert.IsType<FolderSnapshot>(decodedFolder.Entry).State);
        Assert.Equal(root, Assert.IsType<RootSnapshot>(decodedRoot.Entry).State);
    }

    [Fact]
    public void Equal_records_encode_to_equal_bytes_whatever_order_the_state_was_built_in()
    {
        // The same flags and delivered ids reached in a different order give the same snapshot bytes.
        var a = Folder(Insert(1, 1, 1, "x", "\\Seen", "$A"), Insert(2, 2, 2, "b"));
        var b = Folder(Insert(1, 1, 1, "x", "$A", "\\Seen"), Insert(2, 2, 2, "b"));

        Assert.Equal(LogRecordCodec.Encode(Record(3, new FolderSnapshot(a))), LogRecordCodec.Encode(Record(3, new FolderSnapshot(b))));
        Assert.Equal(LogRecordCodec.Encode(Insert(1, 1, 1, "x")), LogRecordCodec.Encode(Insert(1, 1, 1, "x")));
    }

    [Fact]
    public void A_folder_snapshot_costs_91_bytes_per_seen_message_and_38_per_delivery_id()
    {
        // The figures docs/decisions.md plans snapshot sizes with.
        var empty = LogRecordCodec.Encode(Record(2, new FolderSnapshot(Folder()))).Length;
        var one = LogRecordCodec.Encode(Record(2, new FolderSnapshot(Folder(Insert(1, 1, 1, null, "\\Seen"))))).Length;
        var delivered = LogRecordCodec.Encode(Record(2, new FolderSnapshot(Folder(Insert(1, 1, 1, new string('d', 36)), Delete(2, 1))))).Length;

        Assert.Equal(91, one - empty);
        Assert.Equal(38, delivered - empty);
    }

    [Fact]
    public void A_save_date_makes_an_insert_a_saved_insert_and_comes_back()
    {
        var plain = new MessageInserted(7, ["\\Seen"], 1_700_000_000_000, 100, Ref(1), null);
        var saved = plain with { SavedAtMs = 1_800_000_000_123 };

        var plainBytes = LogRecordCodec.Encode(Record(2, plain));
        var savedBytes = LogRecordCodec.Encode(Record(2, saved));

        // The kind byte follows version, seq and the two optional ids (presence byte, then 20 bytes for the previous one).
        var kindAt = 1 + 8 + 1 + 20 + 1;
        Assert.Equal(0x01, plainBytes[kindAt]);
        Assert.Equal(0x05, savedBytes[kindAt]);
        Assert.Equal(plainBytes.Length + 8, savedBytes.Length);
        Assert.Null(Assert.IsType<MessageInserted>(LogRecordCodec.Decode(plainBytes).Entry).SavedAtMs);
        Assert.Equal(1_800_000_000_123, Assert.IsType<MessageInserted>(LogRecordCodec.Decode(savedBytes).Entry).SavedAtMs);
        Assert.Equal(savedBytes, LogRecordCodec.Encode(LogRecordCodec.Decode(savedBytes)));
    }

    [Fact]
    public void A_log_written_before_save_dates_decodes_unchanged_and_its_messages_have_none()
    {
        // Bytes as the previous format wrote them: an insert (kind 0x01) and a snapshot (kind 0x04) with no save dates.
        var insert = Insert(2, 3, 3);
        var folder = Folder(Insert(1, 1, 1, "d1"), Insert(2, 2, 2));
        var oldInsert = LogRecordCodec.Encode(insert);
        var oldSnapshot = LogRecordCodec.Encode(Record(3, new FolderSnapshot(folder)));

        var state = Assert.IsType<FolderSnapshot>(LogRecordCodec.Decode(oldSnapshot).Entry).State;

        Assert.Equal(oldInsert, LogRecordCodec.Encode(LogRecordCodec.Decode(oldInsert)));
        Assert.Equal(oldSnapshot, LogRecordCodec.Encode(Record(3, new FolderSnapshot(state))));
        Assert.All(state.Messages, m => Assert.Null(m.SavedAtMs));
    }

    [Fact]
    public void A_snapshot_with_some_save_dates_keeps_each_message_its_own()
    {
        var folder = FolderReplay.Replay(FolderLogState.Empty(5), [
            Insert(1, 1, 1),
            Record(2, new MessageInserted(2, [], 1_700_000_000_002, 10, Ref(2), null, 1_800_000_000_000)),
        ]);

        var bytes = LogRecordCodec.Encode(Record(3, new FolderSnapshot(folder)));
        var decoded = Assert.IsType<FolderSnapshot>(LogRecordCodec.Decode(bytes).Entry).State;

        Assert.Equal(folder, decoded);
        Assert.Equal([null, 1_800_000_000_000], decoded.Messages.Select(m => m.SavedAtMs));
        Assert.Equal(bytes, LogRecordCodec.Encode(Record(3, new FolderSnapshot(decoded))));
    }

    [Fact]
    public void A_save_dated_snapshot_without_any_save_date_is_refused_as_non_canonical()
    {
        var bytes = LogRecordCodec.Encode(Record(3, new FolderSnapshot(Folder(Insert(1, 1, 1)))));
        var kindAt = 1 + 8 + 1 + 20 + 1;
        Assert.Equal(0x04, bytes[kindAt]);
        // The same payload under kind 0x06 would need a presence byte per message; with them all 0 it is the plain form.
        var messageEnd = bytes.Length - 4;  // the delivery-id count (0) closes the payload
        var forged = bytes[..kindAt].Append((byte)0x06).Concat(bytes[(kindAt + 1)..messageEnd]).Append((byte)0).Concat(bytes[messageEnd..]).ToArray();

        Assert.Throws<LogFormatException>(() => LogRecordCodec.Decode(forged));
    }
}
