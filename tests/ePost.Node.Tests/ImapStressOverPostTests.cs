using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace ePost.Node.Tests;

/// <summary>
/// ImapTest's stress profile over POST (issue 14): ten sessions on one mailbox fetch, store flags and keywords,
/// expunge and append at random for a while. Every reply must be well-formed and consistent with what that session was
/// told (sequence numbers within its EXISTS count, keywords announced by FLAGS before a FETCH shows them), and no FETCH
/// may fail because another session expunged. Runs 8 s in the suite; EPOST_IMAP_STRESS_SECONDS=30 gives the issue's
/// 30 s run (docs/compliance.md).
/// </summary>
[Collection(HeavyTests.Name)]
public sealed partial class ImapStressOverPostTests(PostImapRing ring, ITestOutputHelper output) : IClassFixture<PostImapRing>
{
    private const int Sessions = 10;
    private const string Folder = "Stress";

    [Fact]
    public async Task Ten_sessions_fetching_storing_expunging_and_appending_on_one_mailbox_get_well_formed_replies_and_no_failed_fetch()
    {
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("EPOST_IMAP_STRESS_SECONDS"), out var s) ? s : 8;
        await using (var setup = await ImapWire.LoginAsync(ring.Endpoints, PostImapRing.Alice))
        {
            Assert.StartsWith("c1 OK", (await setup.CommandAsync($"c1 CREATE {Folder}"))[^1]);
            for (var i = 0; i < 20; i++) Assert.StartsWith("c2 OK", (await setup.CommandAsync(Append("c2", $"seed {i}")))[^1]);
        }
        var until = DateTime.UtcNow.AddSeconds(seconds);
        var runs = await Task.WhenAll(Enumerable.Range(0, Sessions).Select(n => RunSessionAsync(n, until)));

        foreach (var run in runs) output.WriteLine($"session {run.Number}: {run}");
        var faults = runs.SelectMany(r => r.Faults).ToList();
        Assert.True(faults.Count == 0, $"{faults.Count} faults, first ones:\n{string.Join("\n", faults.Take(10))}");
        Assert.All(runs, r => Assert.True(r.Fetches > 0 && r.Expunges > 0 && r.Appends > 0, $"session {r.Number} only did {r}"));
    }

    private static string Append(string tag, string subject)
    {
        var message = $"Subject: {subject}\r\n\r\nbody of {subject}\r\n";
        return $"{tag} APPEND {Folder} {{{message.Length}+}}\r\n{message}";
    }

    private async Task<SessionRun> RunSessionAsync(int number, DateTime until)
    {
        var run = new SessionRun(number);
        var random = new Random(1400 + number);
        await using var imap = await ImapWire.LoginAsync(ring.Endpoints, PostImapRing.Alice);
        run.Check("s0", $"s0 SELECT {Folder}", await imap.CommandAsync($"s0 SELECT {Folder}"));
        // The first commands do each kind once, so every session covers them all however slow the machine is.
        int[] scripted = [90, 0, 60, 80, 35, 50];
        for (var k = 1; k <= scripted.Length || DateTime.UtcNow < until; k++)
        {
            var tag = $"s{k}";
            var pick = k <= scripted.Length ? scripted[k - 1] : random.Next(100);
            var target = run.Exists == 0 ? 0 : random.Next(1, run.Exists + 1);
            string command;
            if (pick < 30 && run.Exists > 0) command = $"{tag} FETCH 1:{run.Exists} (UID FLAGS BODY.PEEK[TEXT])";
            else if (pick < 45 && target > 0) command = $"{tag} FETCH {target} (UID FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])";
            else if (pick < 55) command = $"{tag} UID FETCH 1:* (FLAGS)";
            else if (pick < 75 && target > 0)
                command = $"{tag} STORE {target} +FLAGS ({(random.Next(3) == 0 ? "\\Deleted" : $"$Stress{random.Next(4)}")})";
            else if (pick < 85) command = $"{tag} EXPUNGE";
            else command = Append(tag, $"s{number}-{k}");
            run.Check(tag, command, await imap.CommandAsync(command));
        }
        return run;
    }

    /// <summary>What one session was told, and every reply that broke the rules.</summary>
    private sealed partial class SessionRun(int number)
    {
        private readonly HashSet<string> announced = [];

        public int Number => number;
        public int Exists { get; private set; }
        public int Fetches { get; private set; }
        public int Expunges { get; private set; }
        public int Appends { get; private set; }
        public int Commands { get; private set; }
        public List<string> Faults { get; } = [];

        public override string ToString() => $"{Commands} commands: {Fetches} fetches, {Expunges} expunges, {Appends} appends, {Faults.Count} faults";

        public void Check(string tag, string command, IReadOnlyList<string> replies)
        {
            Commands++;
            foreach (var line in replies)
            {
                if (line.StartsWith(tag + " ", StringComparison.Ordinal)) Tagged(tag, command, line);
                else Untagged(command, line);
            }
        }

        private void Tagged(string tag, string command, string line)
        {
            if (!line.StartsWith($"{tag} OK ", StringComparison.Ordinal)) Faults.Add($"{command} -> {line}");
            else if (command.Contains(" FETCH ")) Fetches++;
            else if (command.EndsWith(" EXPUNGE", StringComparison.Ordinal)) Expunges++;
            else if (command.Contains(" APPEND ")) Appends++;
        }

        private void Untagged(string command, string line)
        {
            if (ExistsLine().Match(line) is { Success: true } exists) Exists = int.Parse(exists.Groups[1].Value);
            else if (ExpungeLine().Match(line) is { Success: true } expunge)
            {
                if (int.Parse(expunge.Groups[1].Value) > Exists) Faults.Add($"{command} -> {line} with only {Exists} messages");
                Exists--;
            }
            else if (FlagsLine().Match(line) is { Success: true } flags)
                announced.UnionWith(flags.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
            else if (FetchLine().Match(line) is { Success: true } fetch)
            {
                if (int.Parse(fetch.Groups[1].Value) is var n && (n < 1 || n > Exists))
                    Faults.Add($"{command} -> FETCH of message {n} with only {Exists} messages");
                var items = fetch.Groups[2].Value;
                if (!UidItem().IsMatch(items) && !items.StartsWith("FLAGS (", StringComparison.Ordinal))
                    Faults.Add($"{command} -> FETCH without UID: {line}");
                foreach (Match flagList in FlagsItem().Matches(items))
                    foreach (var flag in flagList.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                        if (!flag.StartsWith('\\') && !announced.Contains(flag))
                            Faults.Add($"{command} -> keyword {flag} in a FETCH before any FLAGS announced it");
            }
            else if (!OtherLine().IsMatch(line) && !line.StartsWith("+ ", StringComparison.Ordinal))
                Faults.Add($"{command} -> malformed: {line}");
        }

        [GeneratedRegex(@"^\* (\d+) EXISTS$")]
        private static partial Regex ExistsLine();

        [GeneratedRegex(@"^\* (\d+) EXPUNGE$")]
        private static partial Regex ExpungeLine();

        [GeneratedRegex(@"^\* FLAGS \(([^()]*)\)$")]
        private static partial Regex FlagsLine();

        /// <summary>A FETCH with its literals inlined by <see cref="ImapWire"/>: items, then a closing parenthesis.</summary>
        [GeneratedRegex(@"^\* (\d+) FETCH \((.*)\)$", RegexOptions.Singleline)]
        private static partial Regex FetchLine();

        [GeneratedRegex(@"(^| )UID \d+( |$)")]
        private static partial Regex UidItem();

        [GeneratedRegex(@"FLAGS \(([^()]*)\)")]
        private static partial Regex FlagsItem();

        [GeneratedRegex(@"^\* (\d+ RECENT|OK \[[A-Z-]+( [^\]]*)?\] .*)$")]
        private static partial Regex OtherLine();
    }
}
