namespace ePost.Node.Tests;

/// <summary>
/// Two sessions on one mailbox over POST (ImapTest's stress findings, issue 14): a FETCH racing another session's
/// EXPUNGE returns what still exists and succeeds, and a keyword another session stored is announced by FLAGS and
/// PERMANENTFLAGS before any FETCH shows it.
/// </summary>
[Collection(HeavyTests.Name)]
public sealed class ImapConcurrentSessionsOverPostTests(PostImapRing ring) : IClassFixture<PostImapRing>
{
    private async Task<(ImapWire A, ImapWire B)> TwoSessionsAsync(string folder, int messages)
    {
        var a = await ImapWire.LoginAsync(ring.Endpoints, PostImapRing.Alice);
        Assert.StartsWith("a1 OK", (await a.CommandAsync($"a1 CREATE {folder}"))[^1]);
        for (var i = 1; i <= messages; i++)
        {
            var message = $"Subject: m{i}\r\n\r\nbody {i}\r\n";
            Assert.EndsWith("APPEND completed", (await a.CommandAsync($"a2 APPEND {folder} {{{message.Length}+}}\r\n{message}"))[^1]);
        }
        Assert.EndsWith("SELECT completed", (await a.CommandAsync($"a3 SELECT {folder}"))[^1]);
        var b = await ImapWire.LoginAsync(ring.Endpoints, PostImapRing.Alice);
        Assert.EndsWith("SELECT completed", (await b.CommandAsync($"b1 SELECT {folder}"))[^1]);
        return (a, b);
    }

    [Fact]
    public async Task A_fetch_after_another_session_expunged_returns_the_messages_that_still_exist_and_ends_ok()
    {
        var (a, b) = await TwoSessionsAsync("Race", 3);
        await using var _ = a;
        await using var __ = b;
        Assert.Equal(["b2 OK STORE completed"], await b.CommandAsync("b2 STORE 2 +FLAGS.SILENT (\\Deleted)"));
        Assert.Equal(["* 2 EXPUNGE", "b3 OK EXPUNGE completed"], await b.CommandAsync("b3 EXPUNGE"));

        Assert.Equal(["* 1 FETCH (UID 1 BODY[TEXT] {8}\\r\\nbody 1\r\n)", "* 3 FETCH (UID 3 BODY[TEXT] {8}\\r\\nbody 3\r\n)", "a4 OK FETCH completed"],
            await a.CommandAsync("a4 FETCH 1:3 (UID BODY.PEEK[TEXT])"));
        Assert.Equal(["* 2 EXPUNGE", "a5 OK NOOP completed"], await a.CommandAsync("a5 NOOP"));
    }

    [Fact]
    public async Task Fetches_while_another_session_expunges_concurrently_never_fail()
    {
        var (a, b) = await TwoSessionsAsync("RaceLoop", 12);
        await using var _ = a;
        await using var __ = b;
        var expunging = Task.Run(async () =>
        {
            var replies = new List<string>();
            for (var i = 0; i < 6; i++)
            {
                replies.AddRange(await b.CommandAsync($"e{i} STORE 1 +FLAGS.SILENT (\\Deleted)"));
                replies.AddRange(await b.CommandAsync($"x{i} EXPUNGE"));
            }
            return replies;
        });
        var fetched = new List<string>();
        for (var i = 0; i < 6; i++) fetched.AddRange(await a.CommandAsync($"f{i} FETCH 1:* (UID BODY.PEEK[TEXT])"));
        var expunged = await expunging;

        Assert.All(fetched.Where(l => l.StartsWith('f')), l => Assert.Matches("^f[0-9] OK FETCH completed$", l));
        Assert.All(expunged.Where(l => !l.StartsWith('*')), l => Assert.Matches("^[ex][0-9] OK ", l));
        await a.CommandAsync("a6 NOOP");
        Assert.Equal(["* 1 FETCH (UID 7)", "a7 OK FETCH completed"], await a.CommandAsync("a7 FETCH 1 (UID)"));
    }

    [Fact]
    public async Task A_keyword_stored_by_one_session_reaches_the_other_as_flags_before_the_fetch_that_shows_it()
    {
        var (a, b) = await TwoSessionsAsync("Keywords", 2);
        await using var _ = a;
        await using var __ = b;
        Assert.Equal(
        [
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Project)",
            "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Project \\*)] Flags permitted",
            "* 2 FETCH (FLAGS ($Project \\Recent) UID 2)",
            "a4 OK STORE completed",
        ], await a.CommandAsync("a4 STORE 2 +FLAGS ($Project)"));

        // The other session hears of the change through the mailbox's watch, so it may take a NOOP or two.
        var heard = new List<string>();
        await Eventually.True(async () =>
        {
            heard.AddRange(await b.CommandAsync("b2 NOOP"));
            return heard.Any(l => l.Contains("FETCH"));
        }, TimeSpan.FromSeconds(30), "session B never heard of the new keyword");
        Assert.Equal(
        [
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Project)",
            "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Project \\*)] Flags permitted",
            "* 2 FETCH (FLAGS ($Project) UID 2)",
            "b2 OK NOOP completed",
        ], heard.Where(l => l != "b2 OK NOOP completed").Append("b2 OK NOOP completed"));
    }
}
