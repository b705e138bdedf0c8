using System.Buffers.Binary;
using System.Text;
using ePost.Post.Logs;
using static ePost.Post.Tests.Logs.LogSamples;

namespace ePost.Post.Tests.Logs;

/// <summary>Every class of bad input to the codec ends in a <see cref="LogFormatException"/> that says what is wrong.</summary>
public sealed class MalformedLogRecordTests
{
    // Offsets in a record with no Previous/MergedFrom: version 0, seq 1..8, presence 9 and 10, kind 11, payload 12.
    private const int KindOffset = 11, PayloadOffset = 12;

    private static LogRecord Bare(LogEntry entry) => new(1, null, null, entry);

    private static void Refused(byte[] bytes, string expectedText)
    {
        var error = Assert.Throws<LogFormatException>(() => LogRecordCodec.Decode(bytes));
        Assert.Contains(expectedText, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Empty_input_is_refused() => Refused([], "empty");

    [Fact]
    public void Unknown_version_is_refused()
    {
        var bytes = LogRecordCodec.Encode(Insert(1, 1, 1));
        bytes[0] = 2;
        Refused(bytes, "version 2");
    }

    [Fact]
    public void Unknown_entry_kind_is_refused()
    {
        var bytes = LogRecordCodec.Encode(Bare(new FolderDeleted(1)));
        bytes[KindOffset] = 0x7f;
        Refused(bytes, "unknown entry kind 0x7f");
    }

    [Fact]
    public void Every_truncation_of_every_kind_is_refused()
    {
        foreach (var row in LogRecordCodecTests.EveryKind())
        {
            var bytes = LogRecordCodec.Encode((LogRecord)row[1]);
            for (var length = 1; length < bytes.Length; length++)
                Assert.Throws<LogFormatException>(() => LogRecordCodec.Decode(bytes.AsSpan(0, length)));
        }
    }

    [Fact]
    public void Trailing_bytes_are_refused()
    {
        var bytes = LogRecordCodec.Encode(Insert(1, 1, 1));
        Refused([.. bytes, 0], "unexpected bytes");
    }

    [Fact]
    public void A_presence_byte_other_than_0_or_1_is_refused()
    {
        var bytes = LogRecordCodec.Encode(Bare(new FolderDeleted(1)));
        bytes[9] = 2;
        Refused(bytes, "only 0 and 1");
    }

    [Fact]
    public void A_record_over_one_mebibyte_is_refused_before_it_is_parsed() =>
        Refused(new byte[LogLimits.MaxRecordBytes + 1], "at most 1048576");

    [Fact]
    public void A_record_that_would_exceed_one_mebibyte_is_not_encoded()
    {
        var uids = Enumerable.Range(1, LogLimits.MaxListItems).Select(i => (uint)i).ToArray();
        var changes = uids.Select(uid => new FlagSet(uid, ["\\Seen", "\\Answered"])).ToArray();

        var error = Assert.Throws<LogFormatException>(() => LogRecordCodec.Encode(Bare(new FlagsChanged(changes))));
        Assert.Contains("exceed", error.Message);
    }

    [Fact]
    public void More_than_64_flags_on_a_message_are_refused_both_ways()
    {
        var flags = Enumerable.Range(0, 65).Select(i => $"$F{i}").ToArray();
        var insert = Bare(new MessageInserted(1, flags, 0, 0, Ref(1), null));
        Assert.Throws<LogFormatException>(() => LogRecordCodec.Encode(insert));

        var bytes = LogRecordCodec.Encode(Bare(new MessageInserted(1, flags[..64], 0, 0, Ref(1), null)));
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(PayloadOffset + 4), 65);
        Refused(bytes, "at most 64 flags");
    }

    [Fact]
    public void A_name_over_256_bytes_is_refused_both_ways()
    {
        var longName = new string('é', 129);  // 258 bytes of UTF-8 in 129 characters
        Assert.Throws<LogFormatException>(() => LogRecordCodec.Encode(Bare(new FolderRenamed(1, longName))));

        var bytes = LogRecordCodec.Encode(Bare(new FolderRenamed(1, new string('a', 256))));
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(PayloadOffset + 8), 257);
        Refused([.. bytes, (byte)'a'], "at most 256");
    }

    [Fact]
    public void Empty_names_are_refused_both_ways()
    {
        Assert.Throws<LogFormatException>(() => LogRecordCodec.Encode(Bare(new SubscriptionChanged("", true))));
        Refused([1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0x14, 0, 0, 1], "empty");
    }

    [Fact]
    public void Invalid_utf8_in_a_name_is_refused()
    {
        var bytes = LogRecordCodec.Encode(Bare(new SubscriptionChanged("ab", true)));
        bytes[PayloadOffset + 2] = 0xff;
        Refused(bytes, "not valid UTF-8");
    }

    [Fact]
    public void A_lone_surrogate_in_a_name_is_not_encoded() =>
        Assert.Throws<LogFormatException>(() => LogRecordCodec.Encode(Bare(new SubscriptionChanged("a\ud800", true))));

    [Fact]
    public void A_list_over_100000_items_is_refused_both_ways()
    {
        var uids = new uint[LogLimits.MaxListItems + 1];
        Assert.Throws<LogFormatException>(() => LogRecordCodec.Encode(Bare(new MessagesDeleted(uids))));

        var bytes = LogRecordCodec.Encode(Bare(new MessagesDeleted([1])));
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(PayloadOffset), LogLimits.MaxListItems + 1);
        Refused(bytes, "at most 100000");
    }

    [Fact]
    public void A_count_larger_than_the_remaining_bytes_is_refused_without_allocating_it()
    {
        var bytes = LogRecordCodec.Encode(Bare(new MessagesDeleted([1])));
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(PayloadOffset), 90_000);
        Refused(bytes, "claims 90000");
    }

    [Fact]
    public void A_negative_size_is_refused_both_ways()
    {
        Assert.Throws<LogFormatException>(() => LogRecordCodec.Encode(Bare(new MessageInserted(1, [], 0, -1, Ref(1), null))));

        var bytes = LogRecordCodec.Encode(Bare(new MessageInserted(1, [], 0, 5, Ref(1), null)));
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(PayloadOffset + 4 + 4 + 8), -5);
        Refused(bytes, "negative");
    }

    [Fact]
    public void UidValidity_zero_is_refused_both_ways()
    {
        Assert.Throws<LogFormatException>(() => LogRecordCodec.Encode(Bare(new FolderCreated(1, "A", 0))));

        var bytes = LogRecordCodec.Encode(Bare(new FolderCreated(1, "A", 1)));
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(bytes.Length - 4), 0);
        Refused(bytes, "UIDVALIDITY 0");
    }

    [Fact]
    public void A_folder_snapshot_with_unordered_uids_is_refused() =>
        Refused(EncodeFolderSnapshot(Folder(Insert(1, 1, 1), Insert(2, 2, 2)), swapFirstTwoUids: true), "strictly ascending");

    [Fact]
    public void A_folder_snapshot_with_a_uid_at_or_above_uidnext_is_refused()
    {
        var bytes = EncodeFolderSnapshot(Folder(Insert(1, 1, 1)));
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(PayloadOffset + 4), 1);  // UIDNEXT := 1
        Refused(bytes, "UIDNEXT 1");
    }

    [Fact]
    public void A_folder_snapshot_with_unnormalized_flags_is_refused()
    {
        var bytes = EncodeFolderSnapshot(Folder(Insert(1, 1, 1, null, "$A", "$B")));
        var first = Encoding.UTF8.GetBytes("$A");
        var at = bytes.AsSpan().IndexOf(first);
        bytes[at + 1] = (byte)'C';  // "$C", "$B": out of order
        Refused(bytes, "canonical order");
    }

    [Fact]
    public void A_folder_snapshot_with_unordered_delivery_ids_is_refused()
    {
        var bytes = EncodeFolderSnapshot(Folder(Insert(1, 1, 1, "a1"), Insert(2, 2, 2, "a2")));
        var at = bytes.AsSpan().IndexOf("a1"u8);
        bytes[at + 1] = (byte)'3';  // "a3", "a2"
        Refused(bytes, "out of order");
    }

    [Fact]
    public void A_root_snapshot_with_two_folders_of_one_name_is_refused()
    {
        var root = Root(Create(1, 1, "Ab", 1), Create(2, 2, "Ac", 2));
        var bytes = LogRecordCodec.Encode(Bare(new RootSnapshot(root)));
        var at = bytes.AsSpan().IndexOf("Ac"u8);
        bytes[at + 1] = (byte)'b';
        Refused(bytes, "already used");
    }

    [Fact]
    public void A_root_snapshot_with_unordered_folder_ids_is_refused()
    {
        var bytes = LogRecordCodec.Encode(Bare(new RootSnapshot(Root(Create(1, 1, "A", 1), Create(2, 2, "B", 2)))));
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(PayloadOffset + 4 + 8 + 3 + 4), 1);
        Refused(bytes, "strictly ascending");
    }

    [Fact]
    public void A_root_snapshot_whose_uidvalidity_hint_is_below_a_folder_is_refused()
    {
        var bytes = LogRecordCodec.Encode(Bare(new RootSnapshot(Root(Create(1, 1, "A", 9)))));
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(bytes.Length - 4), 3);
        Refused(bytes, "hints UIDVALIDITY 3");
    }

    [Fact]
    public void Random_corruption_never_escapes_as_another_exception()
    {
        var random = new Random(5);
        var samples = LogRecordCodecTests.EveryKind().Select(row => LogRecordCodec.Encode((LogRecord)row[1])).ToArray();
        for (var i = 0; i < 5_000; i++)
        {
            var bytes = (byte[])samples[i % samples.Length].Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            try
            {
                var record = LogRecordCodec.Decode(bytes);
                Assert.Equal(bytes, LogRecordCodec.Encode(record));  // whatever decodes is canonical
            }
            catch (LogFormatException)
            {
            }
        }
    }

    private static byte[] EncodeFolderSnapshot(FolderLogState state, bool swapFirstTwoUids = false)
    {
        var bytes = LogRecordCodec.Encode(Bare(new FolderSnapshot(state)));
        if (swapFirstTwoUids)
        {
            // Messages start after UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ and the count; each is 84 bytes plus its flags.
            var first = PayloadOffset + 4 + 4 + 8 + 4;
            var second = first + 4 + 4 + 8 + 8 + 20 + 32 + 8;
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(first), 2);
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(second), 1);
        }
        return bytes;
    }
}
