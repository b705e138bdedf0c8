using ePost.Mail.Imap.Commands;
using ePost.Mail.Imap.Mailbox;

namespace ePost.Mail.Tests.Imap.Mailbox;

public class MailboxListingTests
{
    private static readonly MailboxInfo[] Mailboxes =
    [
        new("INBOX", [], true),
        new("Sent", ["\\Sent"], true),
        new("Trash", ["\\Trash"], false),
        new("Work", [], true),
        new("Work/2023", [], false),
        new("Work/2024", [], true),
        new("Work/2024/Q1", [], false),
        new("Entw\u00fcrfe", ["\\Drafts"], true),
    ];

    private static string List(string line)
    {
        var command = (ListCommand)new ImapCommandParser().Parse(line).Command!;
        return string.Join(" | ", MailboxListing.List(Mailboxes, command)
            .Select(e => e.Attributes.Count == 0 ? e.Name : $"{e.Name} ({string.Join(' ', e.Attributes)})"));
    }

    [Theory]
    [InlineData("", "*", true)]
    [InlineData("", "Work/*", false)]
    [InlineData("", "%", true)]
    [InlineData("", "%/%", false)]
    [InlineData("Work/", "%", false)]
    [InlineData("", "W%", true)]
    [InlineData("", "%k", true)]
    [InlineData("", "Wo*k", true)]
    [InlineData("", "Work", true)]
    [InlineData("", "work", false)]
    [InlineData("", "Work/2024/Q1", false)]
    public void Patterns_match_work(string reference, string pattern, bool matches) =>
        Assert.Equal(matches, new MailboxPattern(reference, pattern).Matches("Work"));

    [Theory]
    [InlineData("*", "Work/2024/Q1", true)]
    [InlineData("%", "Work/2024/Q1", false)]
    [InlineData("Work/%", "Work/2024/Q1", false)]
    [InlineData("Work/%/%", "Work/2024/Q1", true)]
    [InlineData("Work/*", "Work/2024/Q1", true)]
    [InlineData("*Q1", "Work/2024/Q1", true)]
    [InlineData("%Q1", "Work/2024/Q1", false)]
    [InlineData("inbox", "INBOX", true)]
    [InlineData("Inbox/%", "INBOX/Sub", true)]
    [InlineData("inboxes", "INBOXES", false)]
    [InlineData("", "", true)]
    public void Wildcards_respect_the_hierarchy_delimiter(string pattern, string name, bool matches) =>
        Assert.Equal(matches, new MailboxPattern("", pattern).Matches(name));

    [Fact]
    public void Hostile_wildcard_patterns_stay_cheap()
    {
        var pattern = new MailboxPattern("", string.Concat(Enumerable.Repeat("%*", 30_000)) + "x");
        Assert.False(pattern.Matches(new string('a', 1000)));
        Assert.True(pattern.Matches(new string('a', 1000) + "x"));
        Assert.False(new MailboxPattern("", new string('a', 60_000)).Matches("aaa"));
    }

    [Fact]
    public void List_marks_children_and_special_use()
    {
        Assert.Equal("Entw\u00fcrfe (\\HasNoChildren \\Drafts) | INBOX (\\HasNoChildren) | Sent (\\HasNoChildren \\Sent) | " +
            "Trash (\\HasNoChildren \\Trash) | Work (\\HasChildren)", List("a LIST \"\" %"));
        Assert.Equal("Work/2023 (\\HasNoChildren) | Work/2024 (\\HasChildren)", List("a LIST Work/ %"));
    }

    [Fact]
    public void Selection_and_return_options_filter_and_annotate()
    {
        Assert.Equal("Work/2024 (\\HasChildren \\Subscribed) | Work (\\HasChildren \\Subscribed)".Split(" | ").Order(),
            List("a LIST (SUBSCRIBED) \"\" Work*").Split(" | ").Order());
        Assert.Equal("Entw\u00fcrfe (\\HasNoChildren \\Drafts) | Sent (\\HasNoChildren \\Sent) | Trash (\\HasNoChildren \\Trash)",
            List("a LIST (SPECIAL-USE) \"\" *"));
        Assert.Equal("Trash (\\HasNoChildren \\Trash)", List("a LIST \"\" T* RETURN (SUBSCRIBED)"));
        Assert.Equal("Sent (\\HasNoChildren \\Subscribed \\Sent)", List("a LIST \"\" Sent RETURN (SUBSCRIBED)"));
    }

    [Fact]
    public void Lsub_lists_subscribed_names_without_attributes()
    {
        Assert.Equal("Work | Work/2024", List("a LSUB \"\" Work*"));
    }

    [Fact]
    public void Empty_pattern_is_the_delimiter_query()
    {
        Assert.True(MailboxListing.IsDelimiterQuery((ListCommand)new ImapCommandParser().Parse("a LIST \"\" \"\"").Command!));
        Assert.False(MailboxListing.IsDelimiterQuery((ListCommand)new ImapCommandParser().Parse("a LIST \"\" *").Command!));
    }
}
