using ePost.Mail.Imap.Commands;
using ePost.Mail.Imap.Mime;
using ePost.Mail.Imap.Search;
using ePost.Mail.Tests.Imap.Messages;
using MimeKit;

namespace ePost.Mail.Tests.Imap.Search;

public class SearchEvaluatorTests
{
    private sealed record StoredMessage(uint SequenceNumber, uint Uid, string File, IReadOnlySet<string> Flags, bool IsRecent,
        DateTimeOffset InternalDate, ulong ModSeq) : ISearchableMessage
    {
        private readonly Lazy<ImapMessage> _content = new(() => TestMessages.Load(File));

        public long Size => _content.Value.Size;

        public MimeMessage Message => _content.Value.Message;
    }

    private static readonly StoredMessage[] Mailbox =
    [
        new(1, 10, "mixed-attachment.eml", new HashSet<string> { "\\Seen" }, false, new(2024, 3, 5, 23, 30, 0, TimeSpan.FromHours(-5)), 5),
        new(2, 11, "alternative-encoded-words.eml", new HashSet<string> { "\\Flagged", "$Work" }, true, new(2024, 3, 6, 9, 0, 0, TimeSpan.Zero), 7),
        new(3, 15, "forwarded-rfc822.eml", new HashSet<string> { "\\Seen", "\\Answered" }, false, new(2024, 3, 7, 10, 0, 0, TimeSpan.Zero), 9),
        new(4, 20, "plain-8bit-header.eml", new HashSet<string>(), true, new(2024, 3, 8, 0, 0, 0, TimeSpan.Zero), 12),
    ];

    private static uint[] Search(string keys, bool uid = false)
    {
        var command = (SearchCommand)new ImapCommandParser().Parse("a SEARCH " + keys).Command!;
        return [.. new SearchEvaluator(4, 20).Run(command.Key, Mailbox, uid)];
    }

    [Theory]
    [InlineData("ALL", new uint[] { 1, 2, 3, 4 })]
    [InlineData("SEEN", new uint[] { 1, 3 })]
    [InlineData("UNSEEN", new uint[] { 2, 4 })]
    [InlineData("ANSWERED", new uint[] { 3 })]
    [InlineData("FLAGGED", new uint[] { 2 })]
    [InlineData("KEYWORD $work", new uint[] { 2 })]
    [InlineData("UNKEYWORD $Work", new uint[] { 1, 3, 4 })]
    [InlineData("NEW", new uint[] { 2, 4 })]
    [InlineData("RECENT", new uint[] { 2, 4 })]
    [InlineData("OLD", new uint[] { 1, 3 })]
    public void Flag_keys_test_flags_and_recent(string keys, uint[] expected) => Assert.Equal(expected, Search(keys));

    [Theory]
    [InlineData("FROM alice", new uint[] { 1 })]
    [InlineData("FROM \"m\u00fcller\"", new uint[] { 2 })]
    [InlineData("SUBJECT \"GR\u00dc\u00dfE\"", new uint[] { 2, 4 })]
    [InlineData("TO carol", new uint[] { 1 })]
    [InlineData("CC x", new uint[0])]
    [InlineData("HEADER X-Spam \"\"", new uint[] { 4 })]
    [InlineData("HEADER Message-ID m1@", new uint[] { 1 })]
    [InlineData("BODY \"see the report\"", new uint[] { 1 })]
    [InlineData("BODY \"inner text\"", new uint[] { 3 })]
    [InlineData("BODY Report", new uint[] { 1 })]
    [InlineData("TEXT Report", new uint[] { 1, 3 })]
    [InlineData("BODY \"gr\u00fc\u00dfe\"", new uint[] { 2 })]
    public void String_keys_match_decoded_text_case_insensitively(string keys, uint[] expected) =>
        Assert.Equal(expected, Search(keys));

    [Theory]
    [InlineData("ON 5-Mar-2024", new uint[] { 1 })] // internal date's own zone: 23:30 -05:00 is still the 5th
    [InlineData("BEFORE 7-Mar-2024", new uint[] { 1, 2 })]
    [InlineData("SINCE 7-Mar-2024", new uint[] { 3, 4 })]
    [InlineData("SENTON 5-Mar-2024", new uint[] { 1 })]
    [InlineData("SENTBEFORE 6-Mar-2024", new uint[] { 1 })]
    [InlineData("SENTSINCE 7-Mar-2024", new uint[] { 3, 4 })] // message 4 has no Date: its internal date counts
    public void Date_keys_compare_days(string keys, uint[] expected) => Assert.Equal(expected, Search(keys));

    [Theory]
    [InlineData("LARGER 500", new uint[] { 1, 3 })]
    [InlineData("SMALLER 448", new uint[] { 4 })]
    [InlineData("2:3", new uint[] { 2, 3 })]
    [InlineData("*", new uint[] { 4 })]
    [InlineData("UID 11:15", new uint[] { 2, 3 })]
    [InlineData("UID 30:*", new uint[] { 4 })]
    [InlineData("MODSEQ 9", new uint[] { 3, 4 })]
    public void Size_sequence_uid_and_modseq_keys(string keys, uint[] expected) => Assert.Equal(expected, Search(keys));

    [Theory]
    [InlineData("NOT SEEN", new uint[] { 2, 4 })]
    [InlineData("OR ANSWERED FLAGGED", new uint[] { 2, 3 })]
    [InlineData("SEEN FROM alice", new uint[] { 1 })]
    [InlineData("OR (SEEN FROM bob) NOT (OR RECENT SEEN)", new uint[] { 3 })]
    [InlineData("NOT NOT ALL", new uint[] { 1, 2, 3, 4 })]
    public void Boolean_composition(string keys, uint[] expected) => Assert.Equal(expected, Search(keys));

    [Fact]
    public void Uid_search_returns_uids()
    {
        Assert.Equal([10u, 15u], Search("SEEN", uid: true));
    }
}
