using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ePost.Node.Cli;
using ePost.Node.Commands;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ePost.Node.Bench;

/// <summary>
/// <c>epost bench versus</c>: one workload, in one run, against a private Postfix + Dovecot LMTP instance (Debian's
/// packages) and against a loopback ePost ring, with MailKit as the client of both: messages of 4 KB submitted by
/// concurrent SMTP senders (STARTTLS, AUTH), the time until all are visible in the recipient's IMAP INBOX, then
/// concurrent IMAP fetchers each fetching single messages, then one bulk <c>UID FETCH 1:* BODY.PEEK[]</c> on one
/// connection. ePost runs it twice: sender and recipient on the same node, and on different nodes. The last line is
/// JSON with each figure and each ratio ePost / Postfix+Dovecot (higher is better for ePost).
/// </summary>
public static class VersusBench
{
    /// <summary>The benchmark.</summary>
    public static Verb Verb => new("versus", "ePost against Postfix+Dovecot (Debian packages): [--messages 1000] [--size 4096] [--senders 20] [--fetchers 8] [--nodes 5]", RunAsync);

    /// <summary>Where one system is reached: SMTP submission and IMAP, as sender and recipient.</summary>
    private sealed record Endpoints(string Host, int SmtpPort, int ImapPort, string From, string FromPassword, string To, string ToPassword);

    /// <summary>One system's figures.</summary>
    private sealed record Figures(double SmtpMsgsPerS, double EndToEndS, double FetchMsgsPerS, double BulkMBPerS, long BulkBytes)
    {
        public Dictionary<string, object> ToJson() => new()
        {
            ["smtp_msgs_s"] = Math.Round(SmtpMsgsPerS, 1),
            ["end_to_end_s"] = Math.Round(EndToEndS, 2),
            ["fetch_msgs_s"] = Math.Round(FetchMsgsPerS, 1),
            ["bulk_mb_s"] = Math.Round(BulkMBPerS, 1),
            ["bulk_bytes"] = BulkBytes,
        };
    }

    private static async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancel)
    {
        var options = Arguments.Parse(args);
        var messages = options.Int("messages", 1000, 1, 100_000);
        var size = options.Int("size", 4096, 256, 1 << 20);
        var senders = options.Int("senders", 20, 1, 200);
        var fetchers = options.Int("fetchers", 8, 1, 64);
        var count = options.Int("nodes", 5, 2, 16);
        options.RejectUnknown();
        if (PostfixDovecot.MissingPackages() is { Count: > 0 } missing)
        {
            Console.Error.WriteLine($"epost bench versus: package {string.Join(", ", missing)} is not installed; run `{PostfixDovecot.Install}` (Debian) first.");
            return 3;
        }
        var workload = new Workload(messages, size, senders, fetchers);

        Figures legacy;
        Console.Error.WriteLine("postfix+dovecot: starting a private instance");
        await using (var servers = await PostfixDovecot.StartAsync(["alice", "bob"], cancel))
        {
            legacy = await workload.RunAsync(new Endpoints("127.0.0.1", servers.SmtpPort, servers.ImapPort,
                $"alice@{PostfixDovecot.Domain}", PostfixDovecot.Password, $"bob@{PostfixDovecot.Domain}", PostfixDovecot.Password), "postfix+dovecot", cancel);
        }

        Figures same, cross;
        var root = Directory.CreateTempSubdirectory("epost-bench-versus-").FullName;
        Console.Error.WriteLine($"epost: starting a {count}-node ring");
        var nodes = await DevnetCommand.StartAsync(count, root, 0, TextWriter.Null, cancel);
        try
        {
            var devnet = DevnetJson.Read(root);
            var alice = devnet.Users[0];
            var bob = devnet.Users[1];
            await MailBench.WaitReady(nodes[0].Mail!.Agents[alice.Address], cancel);
            await MailBench.WaitReady(nodes[1].Mail!.Agents[bob.Address], cancel);
            await MailBench.KnownAsync(nodes[0].Mail!, bob.Address, cancel);
            await MailBench.KnownAsync(nodes[0].Mail!, alice.Address, cancel);
            same = await workload.RunAsync(new Endpoints(alice.Host, alice.SmtpPort, alice.ImapPort, alice.Address, alice.Password, alice.Address, alice.Password),
                "epost same node", cancel);
            cross = await workload.RunAsync(new Endpoints(alice.Host, alice.SmtpPort, bob.ImapPort, alice.Address, alice.Password, bob.Address, bob.Password),
                "epost cross node", cancel);
        }
        finally
        {
            await Task.WhenAll(nodes.Select(n => n.System.Terminate()));
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }

        Dictionary<string, object> Ratios(Figures epost) => new()
        {
            ["smtp_accept"] = Math.Round(epost.SmtpMsgsPerS / legacy.SmtpMsgsPerS, 2),
            ["end_to_end"] = Math.Round(legacy.EndToEndS / epost.EndToEndS, 2),
            ["per_message_fetch"] = Math.Round(epost.FetchMsgsPerS / legacy.FetchMsgsPerS, 2),
            ["bulk_fetch"] = Math.Round(epost.BulkMBPerS / legacy.BulkMBPerS, 2),
        };
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["bench"] = "versus",
            ["messages"] = messages,
            ["size"] = size,
            ["senders"] = senders,
            ["fetchers"] = fetchers,
            ["nodes"] = count,
            ["postfix_dovecot"] = legacy.ToJson(),
            ["epost_same_node"] = same.ToJson(),
            ["epost_cross_node"] = cross.ToJson(),
            ["same_node"] = Ratios(same),
            ["cross_node"] = Ratios(cross),
        }));
        return 0;
    }

    /// <summary>The workload, the same for every system.</summary>
    private sealed class Workload(int messages, int size, int senders, int fetchers)
    {
        private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

        public async Task<Figures> RunAsync(Endpoints at, string label, CancellationToken cancel)
        {
            var run = Guid.NewGuid().ToString("N")[..8];
            using var watcher = await ImapAsync(at, cancel);
            var inbox = (ImapFolder)watcher.Inbox;
            var before = (await StatusCount(inbox, cancel));
            var expected = before + messages;

            // SMTP: every sender its own connection, messages spread evenly; end to end runs from the first send.
            var clock = Stopwatch.StartNew();
            var visible = Task.Run(async () =>
            {
                while (await StatusCount(inbox, cancel) < expected)
                {
                    if (clock.Elapsed > Patience) throw new TimeoutException($"{label}: not all {messages} messages were visible in IMAP after {Patience.TotalMinutes} minutes.");
                    await Task.Delay(10, cancel);
                }
                return clock.Elapsed.TotalSeconds;
            }, cancel);
            await Task.WhenAll(Enumerable.Range(0, senders).Select(async s =>
            {
                using var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
                await client.ConnectAsync(at.Host, at.SmtpPort, SecureSocketOptions.StartTls, cancel);
                await client.AuthenticateAsync(at.From, at.FromPassword, cancel);
                for (var i = s; i < messages; i += senders) await client.SendAsync(Message(at.From, at.To, $"versus {run} {i}"), cancel);
                await client.DisconnectAsync(true, cancel);
            }));
            var smtpSeconds = clock.Elapsed.TotalSeconds;
            var endToEnd = await visible;
            Console.Error.WriteLine($"{label}: {messages} accepted in {smtpSeconds:F2} s, all visible in IMAP after {endToEnd:F2} s");

            await inbox.OpenAsync(FolderAccess.ReadOnly, cancel);
            var uids = (await inbox.SearchAsync(MailKit.Search.SearchQuery.All, cancel)).Skip(before).ToList();
            await inbox.CloseAsync(false, cancel);

            // Per-message fetch: fetchers at once, each on its own connection, one UID FETCH per message.
            var fetchClients = await Task.WhenAll(Enumerable.Range(0, fetchers).Select(async _ =>
            {
                var client = await ImapAsync(at, cancel);
                await client.Inbox.OpenAsync(FolderAccess.ReadOnly, cancel);
                return client;
            }));
            long fetched = 0;
            clock.Restart();
            await Task.WhenAll(fetchClients.Select(async (client, f) =>
            {
                for (var i = f; i < uids.Count; i += fetchers)
                {
                    using var stream = await client.Inbox.GetStreamAsync(uids[i], "", cancel);
                    Interlocked.Add(ref fetched, stream.Length);
                }
            }));
            var fetchSeconds = clock.Elapsed.TotalSeconds;
            foreach (var client in fetchClients)
            {
                await client.DisconnectAsync(true, cancel);
                client.Dispose();
            }
            if (fetched < (long)(uids.Count * size * 0.9)) throw new InvalidOperationException($"{label}: the single fetches returned {fetched} bytes for {uids.Count} messages of {size}.");

            // Bulk: one connection, UID FETCH 1:* BODY.PEEK[].
            await inbox.OpenAsync(FolderAccess.ReadOnly, cancel);
            long bulk = 0;
            var bodies = 0;
            clock.Restart();
            await inbox.GetStreamsAsync(UniqueIdRange.All, (_, _, _, stream, _) =>
            {
                bulk += stream.Length;
                bodies++;
                return Task.CompletedTask;
            }, cancel);
            var bulkSeconds = clock.Elapsed.TotalSeconds;
            await watcher.DisconnectAsync(true, cancel);
            if (bodies < expected) throw new InvalidOperationException($"{label}: the bulk fetch returned {bodies} of {expected} messages.");
            Console.Error.WriteLine($"{label}: {uids.Count} single fetches in {fetchSeconds:F2} s, bulk {bulk} bytes in {bulkSeconds:F2} s");
            return new Figures(messages / smtpSeconds, endToEnd, uids.Count / fetchSeconds, bulk / 1e6 / bulkSeconds, bulk);
        }

        private static async Task<int> StatusCount(IMailFolder inbox, CancellationToken cancel)
        {
            await inbox.StatusAsync(StatusItems.Count, cancel);
            return inbox.Count;
        }

        private static async Task<ImapClient> ImapAsync(Endpoints at, CancellationToken cancel)
        {
            var client = new ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
            await client.ConnectAsync(at.Host, at.ImapPort, SecureSocketOptions.StartTls, cancel);
            await client.AuthenticateAsync(at.To, at.ToPassword, cancel);
            return client;
        }

        /// <summary>A plain-text message of <c>size</c> bytes or a little more (headers included).</summary>
        private MimeMessage Message(string from, string to, string subject)
        {
            var line = new string('y', 76) + "\r\n";
            var body = new StringBuilder();
            while (body.Length < size - 400) body.Append(line);
            return new MimeMessage([MailboxAddress.Parse(from)], [MailboxAddress.Parse(to)], subject, new TextPart("plain") { Text = body.ToString() });
        }
    }
}
