namespace ePost.Node.Tests;

/// <summary>\Recent over POST survives a restart of the node (ImapTest "select", issue 14).</summary>
[Collection(HeavyTests.Name)]
public sealed class ImapRecentRestartOverPostTests
{
    [Fact]
    public async Task A_message_a_session_was_told_of_is_not_recent_again_after_the_node_restarts()
    {
        await using var mail = new MailRing();
        var alice = mail.Issue(PostImapRing.Alice);
        var aliceDir = mail.Ring.NewDataDir("alice");
        var node = await mail.AddAsync(aliceDir, alice);
        for (var i = 0; i < 3; i++) await mail.AddAsync();
        await MailRing.ReadyAgentAsync(node, PostImapRing.Alice);

        await using (var imap = await ImapWire.LoginAsync(node.MailEndpoints!, PostImapRing.Alice))
        {
            for (var i = 0; i < 2; i++)
                Assert.EndsWith("APPEND completed", (await imap.CommandAsync("a1 APPEND INBOX {12+}\r\nSubject: x\r\n"))[^1]);
            Assert.Contains("* 2 RECENT", await imap.CommandAsync("a2 SELECT INBOX"));
        }
        // Appended by a session that has INBOX not selected: no session is told of it before the restart.
        await using (var imap = await ImapWire.LoginAsync(node.MailEndpoints!, PostImapRing.Alice))
            Assert.EndsWith("APPEND completed", (await imap.CommandAsync("a3 APPEND INBOX {12+}\r\nSubject: y\r\n"))[^1]);
        await MailRing.SyncedAsync(node.Mail!.Agents[PostImapRing.Alice], "alice's mailbox never reached the ring");

        await mail.Ring.ShutdownAsync(node);
        node = await mail.AddAsync(aliceDir, alice);
        await MailRing.ReadyAgentAsync(node, PostImapRing.Alice);
        await using var after = await ImapWire.LoginAsync(node.MailEndpoints!, PostImapRing.Alice);
        // The first two were told to a session before the restart; the third never was, so it alone is \Recent.
        var examined = await after.CommandAsync("b1 EXAMINE INBOX");
        Assert.Contains("* 3 EXISTS", examined);
        Assert.Contains("* 1 RECENT", examined);
        var selected = await after.CommandAsync("b2 SELECT INBOX");
        Assert.Contains("* 1 RECENT", selected);
        Assert.Equal(["* 1 FETCH (FLAGS ())", "* 2 FETCH (FLAGS ())", "* 3 FETCH (FLAGS (\\Recent))", "b3 OK FETCH completed"],
            await after.CommandAsync("b3 FETCH 1:* (FLAGS)"));
    }
}
