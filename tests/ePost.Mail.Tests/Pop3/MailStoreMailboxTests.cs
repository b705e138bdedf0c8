using System.Net;
using System.Text;
using ePost.Mail.Backend;
using ePost.Mail.Pop3;
using ePost.Mail.Sessions;
using ePost.Mail.Tests.Fixtures;
using ePost.Mail.Tests.Transcripts;

namespace ePost.Mail.Tests.Pop3;

/// <summary>POP3 over the mail store's INBOX (<see cref="MailStoreMailbox"/>).</summary>
public sealed class MailStoreMailboxTests
{
    private static readonly MailUser Alice = new("alice", "alice@ring.test");
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly SimpleMailStore store = new();
    private readonly MailStoreMailbox mailbox;

    public MailStoreMailboxTests()
    {
        mailbox = new MailStoreMailbox(store);
        store.Add(Alice, "INBOX", "Subject: one\r\n\r\nline1\r\n.dotline\r\nline3\r\n");
        store.Add(Alice, "INBOX", "Subject: two\r\nFrom: bob@ring.test\r\n\r\nhello\r\n");
        store.Add(Alice, "INBOX", "Subject: three\r\n\r\nbye\r\n");
        store.Add(Alice, "Archive", "Subject: not in the inbox\r\n\r\nx\r\n");
    }

    private Pop3Session Session() =>
        new(new Pop3Settings("pop.ring.test"), new SessionContext(new IPEndPoint(IPAddress.Loopback, 40000), false, true),
            InMemoryUserDirectory.Standard(), mailbox, new LoginThrottle(LoginThrottleSettings.Default, new ManualClock()));

    [Fact]
    public async Task A_pop3_session_lists_reads_and_deletes_inbox_messages_in_one_expunge_at_quit()
    {
        await TranscriptRunner.RunAsync(Session(), "Transcripts/store_backed.txt");
        Assert.Equal(1, store.ExpungeCalls);
        var inbox = await store.ReadFolderAsync(Alice, "INBOX", None);
        Assert.Equal([2u], inbox.Messages.Select(m => m.Uid));
    }

    [Fact]
    public async Task A_store_out_of_reach_at_quit_is_reported_and_nothing_is_deleted()
    {
        store.ExpungeFailure = new MailStoreException(MailStoreError.Unavailable, "ring unreachable");
        await TranscriptRunner.RunAsync(Session(), "Transcripts/store_unavailable_at_quit.txt");
        Assert.Equal(3, (await store.ReadFolderAsync(Alice, "INBOX", None)).Messages.Count);
    }

    [Fact]
    public async Task Unique_ids_carry_the_uidvalidity_and_sizes_are_the_exact_byte_counts()
    {
        var listed = await mailbox.ListInboxAsync(Alice, None);
        Assert.Equal(["1000.1", "1000.2", "1000.3"], listed.Select(m => m.UniqueId));
        foreach (var message in listed) Assert.Equal(message.Size, (await mailbox.ReadAsync(Alice, message.UniqueId, None))!.Length);
    }

    [Fact]
    public async Task Reading_returns_the_stored_bytes_unchanged()
    {
        var bytes = await mailbox.ReadAsync(Alice, "1000.2", None);
        Assert.Equal("Subject: two\r\nFrom: bob@ring.test\r\n\r\nhello\r\n", Encoding.UTF8.GetString(bytes!));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1000")]
    [InlineData("1000.")]
    [InlineData(".1")]
    [InlineData("1000.0")]
    [InlineData("01000.1")]
    [InlineData("1000.01")]
    [InlineData("1000.1.1")]
    [InlineData("-1000.1")]
    [InlineData("1000.99999999999999999999")]
    [InlineData("u1")]
    public async Task Malformed_unique_ids_name_no_message(string uniqueId)
    {
        Assert.Null(await mailbox.ReadAsync(Alice, uniqueId, None));
        await mailbox.DeleteAsync(Alice, [uniqueId], None);
        Assert.Equal(0, store.ExpungeCalls);
    }

    [Fact]
    public async Task After_a_uidvalidity_change_old_ids_name_no_message_and_delete_nothing()
    {
        store.Renumber(Alice, "INBOX");
        Assert.Null(await mailbox.ReadAsync(Alice, "1000.1", None));
        await mailbox.DeleteAsync(Alice, ["1000.1", "1000.2"], None);
        Assert.Equal(3, (await store.ReadFolderAsync(Alice, "INBOX", None)).Messages.Count);
        Assert.Equal(["1001.4", "1001.5", "1001.6"], (await mailbox.ListInboxAsync(Alice, None)).Select(m => m.UniqueId));
    }

    [Fact]
    public async Task A_message_expunged_elsewhere_reads_as_gone_and_deleting_it_again_is_harmless()
    {
        await store.ExpungeAsync(Alice, "INBOX", [1u], None);
        Assert.Null(await mailbox.ReadAsync(Alice, "1000.1", None));
        await mailbox.DeleteAsync(Alice, ["1000.1", "1000.3"], None);
        Assert.Equal([2u], (await store.ReadFolderAsync(Alice, "INBOX", None)).Messages.Select(m => m.Uid));
    }

    [Fact]
    public async Task An_empty_inbox_lists_nothing()
    {
        Assert.Empty(await mailbox.ListInboxAsync(new MailUser("carol", "carol@ring.test"), None));
    }
}
