using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using ePost.Node.Cli;
using ePost.Node.Commands;
using ePost.Node.Hosting;
using ePost.Post.Mailbox;
using MailKit.Net.Pop3;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ePost.Node.Bench;

/// <summary>
/// <c>epost bench delivery</c> and <c>epost bench smtp</c>: mail between two users of a loopback devnet (real nodes over
/// Akka.Remote, real sockets). Delivery: POST send to filed in the recipient's INBOX. SMTP: 20 concurrent MailKit
/// submissions into one node, and how long a submitted message takes to show in the recipient's POP3 mailbox.
/// </summary>
public static class MailBench
{
    /// <summary>The delivery benchmark.</summary>
    public static Verb Delivery => new("delivery", "POST send-to-filed latency and throughput: [--nodes 5] [--messages 200] [--parallel 8] [--tls on|off] [--receipts on|off]", DeliveryAsync);

    /// <summary>The SMTP benchmark.</summary>
    public static Verb Smtp => new("smtp", "SMTP submission throughput and latency, submit-to-POP3 latency: [--nodes 5] [--senders 20] [--per-sender 10]", SmtpAsync);

    private static async Task<int> DeliveryAsync(IReadOnlyList<string> args, CancellationToken cancel)
    {
        var options = Arguments.Parse(args);
        var count = options.Int("nodes", 5, 2, 16);
        var messages = options.Int("messages", 200, 1, 100_000);
        var parallel = options.Int("parallel", 8, 1, 256);
        var tls = options.Get("tls") ?? "on";
        // Storage receipts (epost.storage.require-receipts): the shipped setting unless asked, to price them.
        var receipts = options.Get("receipts");
        if (receipts is not (null or "on" or "off")) throw new UsageException($"--receipts takes on or off, not '{receipts}'.");
        options.RejectUnknown();
        var extra = $"epost.transport.tls = {NodeConfig.Quote(tls)}" + (receipts is null ? "" : $"\nepost.storage.require-receipts = {receipts}");
        string line;
        var root = Directory.CreateTempSubdirectory("epost-bench-delivery-").FullName;
        var nodes = await DevnetCommand.StartAsync(count, root, 0, TextWriter.Null, cancel, extra);
        try
        {
            var alice = nodes[0].Mail!;
            var bobAgent = nodes[1].Mail!.Agents[DevnetUsers.AddressOf(1)];
            await WaitReady(alice.Agents[DevnetUsers.AddressOf(0)], cancel);
            await WaitReady(bobAgent, cancel);
            await KnownAsync(alice, DevnetUsers.AddressOf(1), cancel);

            var sentAt = new ConcurrentDictionary<string, long>();
            var sendLatencies = new ConcurrentBag<double>();
            var filed = new ConcurrentDictionary<string, double>();
            var clock = Stopwatch.StartNew();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            var watcher = Task.Run(async () =>
            {
                while (filed.Count < messages && !stop.IsCancellationRequested)
                {
                    var view = await bobAgent.Ask<FolderView>(new GetFolder("INBOX"), TimeSpan.FromSeconds(30), stop.Token);
                    var now = clock.Elapsed.TotalMilliseconds;
                    foreach (var id in view.State.DeliveredIds)
                        if (sentAt.TryGetValue(id, out var sent)) filed.TryAdd(id, now - sent / (double)Stopwatch.Frequency * 1000);
                    await Task.Delay(2, stop.Token);
                }
            }, stop.Token);
            var started = clock.Elapsed;
            using var progress = new ProgressLine("delivering", messages, "messages filed");
            await Parallel.ForEachAsync(Enumerable.Range(0, messages), new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancel }, async (i, token) =>
            {
                var id = $"bench-{i}";
                var bytes = Encoding.ASCII.GetBytes($"From: {DevnetUsers.AddressOf(0)}\r\nTo: {DevnetUsers.AddressOf(1)}\r\nSubject: bench {i}\r\n\r\n{new string('x', 2000)}\r\n");
                sentAt[id] = (long)(clock.Elapsed.TotalMilliseconds * Stopwatch.Frequency / 1000);
                var one = Stopwatch.StartNew();
                await alice.Delivery.DeliverAsync(id, DevnetUsers.AddressOf(0), DevnetUsers.AddressOf(1), bytes, token);
                sendLatencies.Add(one.Elapsed.TotalMilliseconds);
                progress.Report(filed.Count);
            });
            var deadline = Stopwatch.StartNew();
            while (filed.Count < messages && deadline.Elapsed < TimeSpan.FromMinutes(5))
            {
                progress.Report(filed.Count);
                await Task.Delay(20, cancel);
            }
            progress.Report(filed.Count);
            var elapsed = (clock.Elapsed - started).TotalSeconds;
            await stop.CancelAsync();
            try { await watcher; } catch (OperationCanceledException) { }
            var latencies = filed.Values.Order().ToList();
            line = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["bench"] = "delivery",
                ["nodes"] = count,
                ["messages"] = messages,
                ["filed"] = latencies.Count,
                ["parallel"] = parallel,
                ["receipts"] = Storage.Replication.StorageSettings.Create(nodes[0].System.Settings.Config).RequireReceipts,
                ["send_p50_ms"] = Percentile(sendLatencies.Order().ToList(), 0.50),
                ["filed_p50_ms"] = Percentile(latencies, 0.50),
                ["filed_p99_ms"] = Percentile(latencies, 0.99),
                ["msgs_s"] = Math.Round(latencies.Count / elapsed, 1),
            });
        }
        finally
        {
            await Task.WhenAll(nodes.Select(n => n.System.Terminate()));
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
        Console.WriteLine(line);
        return 0;
    }

    private static async Task<int> SmtpAsync(IReadOnlyList<string> args, CancellationToken cancel)
    {
        var options = Arguments.Parse(args);
        var count = options.Int("nodes", 5, 2, 16);
        var senders = options.Int("senders", 20, 1, 200);
        var perSender = options.Int("per-sender", 10, 1, 10_000);
        var visibility = options.Int("visibility-samples", 20, 1, 1000);
        options.RejectUnknown();
        string line;
        var root = Directory.CreateTempSubdirectory("epost-bench-smtp-").FullName;
        var nodes = await DevnetCommand.StartAsync(count, root, 0, TextWriter.Null, cancel);
        try
        {
            var devnet = DevnetJson.Read(root);
            var alice = devnet.Users[0];
            var bob = devnet.Users[1];
            await WaitReady(nodes[0].Mail!.Agents[alice.Address], cancel);
            await WaitReady(nodes[1].Mail!.Agents[bob.Address], cancel);
            await KnownAsync(nodes[0].Mail!, bob.Address, cancel);

            var latencies = new ConcurrentBag<double>();
            var clock = Stopwatch.StartNew();
            var submitting = new ProgressLine("submitting", senders * perSender, "messages");
            await Task.WhenAll(Enumerable.Range(0, senders).Select(async s =>
            {
                using var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
                await client.ConnectAsync(alice.Host, alice.SmtpPort, SecureSocketOptions.StartTls, cancel);
                await client.AuthenticateAsync(alice.Address, alice.Password, cancel);
                for (var i = 0; i < perSender; i++)
                {
                    var one = Stopwatch.StartNew();
                    await client.SendAsync(Message(alice.Address, bob.Address, $"smtp bench {s}.{i}"), cancel);
                    latencies.Add(one.Elapsed.TotalMilliseconds);
                    submitting.Report(latencies.Count);
                }
                await client.DisconnectAsync(true, cancel);
            }));
            var seconds = clock.Elapsed.TotalSeconds;
            submitting.Dispose();
            var submitted = latencies.Order().ToList();

            // Submit-to-visible: one message at a time, then POP3 on bob's node until it is listed.
            var visible = new List<double>();
            using (var smtp = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true })
            {
                await smtp.ConnectAsync(alice.Host, alice.SmtpPort, SecureSocketOptions.StartTls, cancel);
                await smtp.AuthenticateAsync(alice.Address, alice.Password, cancel);
                var expected = await Pop3Count(bob, cancel);
                while (expected < senders * perSender)
                {
                    await Task.Delay(50, cancel);
                    expected = await Pop3Count(bob, cancel);
                }
                for (var i = 0; i < visibility; i++)
                {
                    var one = Stopwatch.StartNew();
                    await smtp.SendAsync(Message(alice.Address, bob.Address, $"visibility {i}"), cancel);
                    expected++;
                    while (await Pop3Count(bob, cancel) < expected) await Task.Delay(5, cancel);
                    visible.Add(one.Elapsed.TotalMilliseconds);
                }
                await smtp.DisconnectAsync(true, cancel);
            }
            visible.Sort();
            line = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["bench"] = "smtp",
                ["nodes"] = count,
                ["senders"] = senders,
                ["messages"] = submitted.Count,
                ["smtp_msgs_s"] = Math.Round(submitted.Count / seconds, 1),
                ["submit_p50_ms"] = Percentile(submitted, 0.50),
                ["submit_p99_ms"] = Percentile(submitted, 0.99),
                ["pop3_visible_p50_ms"] = Percentile(visible, 0.50),
                ["pop3_visible_p99_ms"] = Percentile(visible, 0.99),
            });
        }
        finally
        {
            await Task.WhenAll(nodes.Select(n => n.System.Terminate()));
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
        Console.WriteLine(line);
        return 0;
    }

    private static MimeMessage Message(string from, string to, string subject) =>
        new([MailboxAddress.Parse(from)], [MailboxAddress.Parse(to)], subject, new TextPart("plain") { Text = new string('y', 2000) });

    private static async Task<int> Pop3Count(DevnetJson.User user, CancellationToken cancel)
    {
        using var pop3 = new Pop3Client { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await pop3.ConnectAsync(user.Host, user.Pop3Port, SecureSocketOptions.StartTls, cancel);
        await pop3.AuthenticateAsync(user.Address, user.Password, cancel);
        var count = pop3.Count;
        await pop3.DisconnectAsync(true, cancel);
        return count;
    }

    /// <summary>Waits until <paramref name="mail"/>'s node finds <paramref name="address"/>'s certificate in the ring.</summary>
    internal static async Task KnownAsync(NodeMail mail, string address, CancellationToken cancel)
    {
        while (true)
        {
            try
            {
                if (await mail.Services.Certificates.FindAsync(address, refresh: true, cancellation: cancel) is not null) return;
            }
            catch (Post.Ring.RingException)
            {
                // The ring cannot say yet; ask again.
            }
            await Task.Delay(100, cancel);
        }
    }

    /// <summary>Waits until <paramref name="agent"/>'s mailbox is loaded.</summary>
    internal static async Task WaitReady(IActorRef agent, CancellationToken cancel)
    {
        while (!(await agent.Ask<AgentStatus>(GetAgentStatus.Instance, TimeSpan.FromSeconds(30), cancel)).Ready) await Task.Delay(100, cancel);
    }

    private static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : Math.Round(sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)], 1);
}
