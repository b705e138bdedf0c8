using MailKit.Net.Imap;
using MailKit.Security;

namespace ePost.Node.Tests;

/// <summary>
/// What Dovecot's ImapTest found (issue 14), replayed as transcripts against a node with POST underneath: each test is
/// the scripted group it is named after, in the exact lines our server sends.
/// </summary>
[Collection(HeavyTests.Name)]
public sealed class ImapTestFindingsOverPostTests(PostImapRing ring) : IClassFixture<PostImapRing>
{
    [Fact]
    public async Task Atoms_a_name_that_is_not_modified_utf7_gets_no_and_the_connection_stays_open()
    {
        await using var imap = await ImapWire.LoginAsync(ring.Endpoints, PostImapRing.Alice);
        Assert.Equal(["a1 OK LIST completed"], await imap.CommandAsync("a1 LIST \"\" ~foo"));
        Assert.Equal(["a2 NO [NONEXISTENT] There is no folder named ~foo."], await imap.CommandAsync("a2 SELECT ~foo"));
        Assert.Equal(["a3 NO [CANNOT] Mailbox name is not valid modified UTF-7: Invalid modified BASE64 character '''"],
            await imap.CommandAsync("a3 SELECT !#$&'+,-.0123456789:;<=>?@^_`|[}"));
        Assert.Equal(["a4 OK LIST completed"], await imap.CommandAsync("a4 LIST \"\" !#$&'+,-.0123456789:;<=>?@^_`|[}%*"));
        Assert.Equal(["a5 NO [CANNOT] Mailbox name is not valid modified UTF-7: Unterminated '&' section"],
            await imap.CommandAsync("a5 CREATE \"&Jjo\""));
        Assert.Equal(["a6 OK NOOP completed"], await imap.CommandAsync("a6 NOOP"));
    }

    [Fact]
    public async Task Id_the_largest_id_rfc_2971_allows_is_answered_before_login_and_bad_forms_keep_the_connection()
    {
        await using var imap = await ImapWire.ConnectAsync(ring.Endpoints);
        // ImapTest "id": 30 pairs of a 30-octet field and a 1024-octet value, one 31 KiB line before login.
        var pairs = Enumerable.Range(0, 30).Select(i => $"\"{(char)('a' + i % 26)}{i / 26}{new string('x', 28)}\" \"{new string((char)('0' + i % 10), 1024)}\"");
        Assert.Equal(["* ID (\"name\" \"ePost\" \"vendor\" \"ePost.Actors\")", "a1 OK ID completed"],
            await imap.CommandAsync($"a1 ID ({string.Join(' ', pairs)})"));
        Assert.Equal(["* ID (\"name\" \"ePost\" \"vendor\" \"ePost.Actors\")", "a2 OK ID completed"], await imap.CommandAsync("a2 ID NIL"));
        Assert.Equal(["a3 BAD Expected ' '"], await imap.CommandAsync("a3 ID (\"name\")"));
        Assert.Equal(["a4 BAD ID expects a list or NIL"], await imap.CommandAsync("a4 ID name"));
        Assert.Equal(["a5 BAD An ID value is at most 1024 octets"], await imap.CommandAsync($"a5 ID (\"name\" \"{new string('v', 1025)}\")"));
        Assert.Equal(["a6 OK NOOP completed"], await imap.CommandAsync("a6 NOOP"));
        Assert.False(imap.Closed);
    }

    [Fact]
    public async Task Id_from_mailkit_gets_the_server_identity_and_the_session_goes_on()
    {
        using var client = new ImapClient();
        await client.ConnectAsync(ring.Endpoints.Host, ring.Endpoints.Imap, SecureSocketOptions.None);
        var before = await client.IdentifyAsync(new ImapImplementation { Name = "MailKit", Version = "4" });
        Assert.Equal(("ePost", "ePost.Actors"), (before.Name, before.Vendor));
        await client.AuthenticateAsync(PostImapRing.Alice, "secret");
        var after = await client.IdentifyAsync(new ImapImplementation { Name = "MailKit", Version = "4", Vendor = "after login" });
        Assert.Equal("ePost", after.Name);
        await client.Inbox.OpenAsync(MailKit.FolderAccess.ReadOnly);
        await client.NoOpAsync();
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task Search_addresses_from_to_cc_match_any_part_of_an_address_as_a_substring()
    {
        await using var imap = await ImapWire.LoginAsync(ring.Endpoints, PostImapRing.Alice);
        Assert.StartsWith("a1 OK", (await imap.CommandAsync("a1 CREATE Addresses"))[^1]);
        string[] messages =
        [
            "From: user-from@domain.org\r\nTo: user-to@domain.org\r\n\r\nbody\r\n",
            "From: RealFrom <user-from@domain.org>\r\nCc: RealCc <user-cc@domain.org>\r\n\r\nbody\r\n",
            "From: <user-from (comment)@ (comment) domain.org>\r\n\r\nbody\r\n",
            "To: groupname: groupuser1@domain.org, groupuser2@domain.org;\r\n\r\nbody\r\n",
            "From: =?utf-8?q?J=C3=BCrgen_M=C3=BCller?= <jm@example.org>\r\n\r\nbody\r\n",
        ];
        foreach (var message in messages)
            Assert.EndsWith("APPEND completed", (await imap.CommandAsync($"a2 APPEND Addresses {{{message.Length}+}}\r\n{message}"))[^1]);
        Assert.EndsWith("EXAMINE completed", (await imap.CommandAsync("a3 EXAMINE Addresses"))[^1]);
        Assert.Equal(["* SEARCH 1 2 3", "a4 OK SEARCH completed"], await imap.CommandAsync("a4 SEARCH FROM user-from@domain.org"));
        Assert.Equal(["* SEARCH 1 2 3", "a5 OK SEARCH completed"], await imap.CommandAsync("a5 SEARCH FROM SER-FROM"));
        Assert.Equal(["* SEARCH 2", "a6 OK SEARCH completed"], await imap.CommandAsync("a6 SEARCH FROM ealfro"));
        Assert.Equal(["* SEARCH 2", "a7 OK SEARCH completed"], await imap.CommandAsync("a7 SEARCH CC domain.org"));
        Assert.Equal(["* SEARCH 4", "a8 OK SEARCH completed"], await imap.CommandAsync("a8 SEARCH TO groupuser2"));
        Assert.Equal(["* SEARCH 5", "a9 OK SEARCH completed"], await imap.CommandAsync("a9 SEARCH CHARSET UTF-8 FROM {7+}\r\nm\u00fcller"));
        Assert.Equal(["* SEARCH", "a10 OK SEARCH completed"], await imap.CommandAsync("a10 SEARCH TO groupuser3"));
    }

    [Fact]
    public async Task Subscribe_lsub_percent_lists_an_unsubscribed_parent_of_a_subscribed_child_as_noselect()
    {
        await using var first = await ImapWire.LoginAsync(ring.Endpoints, PostImapRing.Alice);
        foreach (var (tag, command) in new[]
                 {
                     ("a1", "CREATE subs/test"), ("a2", "CREATE subs/test2/test"), ("a3", "CREATE subs/test3/test3"),
                     ("a4", "SUBSCRIBE subs/test"), ("a5", "SUBSCRIBE subs/test2/test"), ("a6", "SUBSCRIBE subs/test3/test3"),
                 })
            Assert.StartsWith(tag + " OK", (await first.CommandAsync($"{tag} {command}"))[^1]);
        await using var second = await ImapWire.LoginAsync(ring.Endpoints, PostImapRing.Alice);
        Assert.Equal(["* LSUB () \"/\" subs/test", "* LSUB (\\Noselect) \"/\" subs/test2", "* LSUB (\\Noselect) \"/\" subs/test3", "b1 OK LSUB completed"],
            await second.CommandAsync("b1 LSUB \"\" subs/%"));
        Assert.Equal(["* LSUB () \"/\" subs/test", "* LSUB () \"/\" subs/test2/test", "* LSUB () \"/\" subs/test3/test3", "b2 OK LSUB completed"],
            await second.CommandAsync("b2 LSUB \"\" subs/*"));
        Assert.StartsWith("a7 OK", (await first.CommandAsync("a7 UNSUBSCRIBE subs/test3/test3"))[^1]);
        Assert.Equal(["* LSUB () \"/\" subs/test", "* LSUB (\\Noselect) \"/\" subs/test2", "b3 OK LSUB completed"],
            await second.CommandAsync("b3 LSUB \"\" subs/%"));
    }

    [Fact]
    public async Task Select_examine_reports_the_recent_count_without_taking_it_and_select_takes_it()
    {
        await using var first = await ImapWire.LoginAsync(ring.Endpoints, PostImapRing.Alice);
        Assert.StartsWith("a1 OK", (await first.CommandAsync("a1 CREATE Recent"))[^1]);
        for (var i = 0; i < 2; i++)
            Assert.EndsWith("APPEND completed", (await first.CommandAsync("a2 APPEND Recent {12+}\r\nSubject: x\r\n"))[^1]);
        Assert.Contains("* 2 RECENT", await first.CommandAsync("a3 EXAMINE Recent"));
        Assert.Equal(["* 1 FETCH (FLAGS (\\Recent))", "* 2 FETCH (FLAGS (\\Recent))", "a4 OK FETCH completed"], await first.CommandAsync("a4 FETCH 1:* FLAGS"));
        await using var second = await ImapWire.LoginAsync(ring.Endpoints, PostImapRing.Alice);
        Assert.Contains("* 2 RECENT", await second.CommandAsync("b1 SELECT Recent"));
        Assert.Contains("* 0 RECENT", await first.CommandAsync("a5 EXAMINE Recent"));
        Assert.Contains("* 0 RECENT", await second.CommandAsync("b2 SELECT Recent"));
    }

    [Fact]
    public async Task Status_size_is_announced_and_counts_the_octets_the_ring_holds()
    {
        await using var imap = await ImapWire.LoginAsync(ring.Endpoints, PostImapRing.Alice);
        Assert.Contains("STATUS=SIZE", (await imap.CommandAsync("a1 CAPABILITY"))[0].Split(' '));
        Assert.StartsWith("a2 OK", (await imap.CommandAsync("a2 CREATE Sized"))[^1]);
        var big = "Subject: big\r\n\r\n" + new string('z', 10_000) + "\r\n";
        Assert.EndsWith("APPEND completed", (await imap.CommandAsync($"a3 APPEND Sized {{{big.Length}+}}\r\n{big}"))[^1]);
        Assert.EndsWith("APPEND completed", (await imap.CommandAsync("a4 APPEND Sized {12+}\r\nSubject: x\r\n"))[^1]);
        Assert.Equal([$"* STATUS Sized (MESSAGES 2 SIZE {big.Length + 12})", "a5 OK STATUS completed"],
            await imap.CommandAsync("a5 STATUS Sized (MESSAGES SIZE)"));
    }

    [Fact]
    public async Task List_status_reports_each_listed_mailbox_status_from_the_ring()
    {
        await using var imap = await ImapWire.LoginAsync(ring.Endpoints, PostImapRing.Alice);
        Assert.Contains("LIST-STATUS", (await imap.CommandAsync("a1 CAPABILITY"))[0].Split(' '));
        Assert.StartsWith("a2 OK", (await imap.CommandAsync("a2 CREATE Listed/Child"))[^1]);
        Assert.EndsWith("APPEND completed", (await imap.CommandAsync("a3 APPEND Listed/Child {12+}\r\nSubject: x\r\n"))[^1]);
        Assert.Equal(
        [
            "* LIST (\\HasChildren) \"/\" Listed",
            "* STATUS Listed (MESSAGES 0 SIZE 0)",
            "* LIST (\\HasNoChildren) \"/\" Listed/Child",
            "* STATUS Listed/Child (MESSAGES 1 SIZE 12)",
            "a4 OK LIST completed",
        ], await imap.CommandAsync("a4 LIST \"\" Listed* RETURN (STATUS (MESSAGES SIZE))"));
    }
}
