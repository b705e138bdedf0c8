using ePost.Mail.Backend;
using ePost.Mail.Imap.Mailbox;

namespace ePost.Mail.Tests.Imap.Mailbox;

public class RecentRegistryTests
{
    private static readonly MailUser Alice = new("alice", "alice@ring.test");

    private static MailboxSnapshot Snapshot(uint validity, params uint[] uids) =>
        new(validity, uids.Length == 0 ? 1 : uids[^1] + 1, uids.Select(u => MailboxEntry.Create(u, [])));

    private static FolderState State(uint validity, params uint[] uids) =>
        new("INBOX", validity, uids.Length == 0 ? 1 : uids[^1] + 1,
            uids.Select(u => new FolderMessage(u, [], DateTimeOffset.UnixEpoch, 10, u)).ToList(), 0);

    [Fact]
    public void Each_uid_is_claimed_by_the_first_session_only()
    {
        var registry = new RecentRegistry();
        Assert.Equal([1u, 2u], registry.Claim(Alice, "INBOX", Snapshot(7, 1, 2)));
        Assert.Empty(registry.Claim(Alice, "INBOX", Snapshot(7, 1, 2)));
        Assert.Equal([3u], registry.Claim(Alice, "INBOX", Snapshot(7, 1, 2, 3)));
    }

    [Fact]
    public void Folders_users_and_uidvalidities_have_separate_ledgers()
    {
        var registry = new RecentRegistry();
        registry.Claim(Alice, "INBOX", Snapshot(7, 1));
        Assert.Equal([1u], registry.Claim(Alice, "Work", Snapshot(9, 1)));
        Assert.Equal([1u], registry.Claim(new MailUser("bob", "bob@ring.test"), "INBOX", Snapshot(7, 1)));
        Assert.Equal([1u], registry.Claim(Alice, "INBOX", Snapshot(8, 1)));
    }

    [Fact]
    public void Status_counts_unclaimed_messages_without_claiming_them()
    {
        var registry = new RecentRegistry();
        Assert.Equal(2u, registry.CountUnclaimed(Alice, "INBOX", State(7, 1, 2)));
        registry.Claim(Alice, "INBOX", Snapshot(7, 1));
        Assert.Equal(1u, registry.CountUnclaimed(Alice, "INBOX", State(7, 1, 2)));
        Assert.Equal(1u, registry.CountUnclaimed(Alice, "INBOX", State(7, 1, 2)));
    }

    [Fact]
    public void Examine_peeks_at_unclaimed_uids_without_claiming_them()
    {
        var registry = new RecentRegistry();
        Assert.Equal([1u, 2u], registry.Peek(Alice, "INBOX", Snapshot(7, 1, 2)));
        Assert.Equal([1u, 2u], registry.Claim(Alice, "INBOX", Snapshot(7, 1, 2)));
        Assert.Empty(registry.Peek(Alice, "INBOX", Snapshot(7, 1, 2)));
    }

    [Fact]
    public void A_registry_kept_in_a_file_remembers_its_claims_across_a_restart_and_sets_aside_a_file_it_cannot_read()
    {
        var directory = Directory.CreateTempSubdirectory("epost-recent-");
        try
        {
            var path = Path.Combine(directory.FullName, "recent.json");
            Assert.Equal([1u, 2u], new RecentRegistry(path).Claim(Alice, "Entwürfe", Snapshot(7, 1, 2)));

            var restarted = new RecentRegistry(path);
            Assert.Empty(restarted.Claim(Alice, "Entwürfe", Snapshot(7, 1, 2)));
            Assert.Equal([3u], restarted.Claim(Alice, "Entwürfe", Snapshot(7, 1, 2, 3)));
            Assert.Equal([1u], restarted.Claim(Alice, "INBOX", Snapshot(7, 1)));

            File.WriteAllText(path, "{ not json");
            Assert.Equal([1u], new RecentRegistry(path).Claim(Alice, "INBOX", Snapshot(7, 1)));
            Assert.True(File.Exists(path + ".unreadable"));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
