using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using ePost.Core.Crypto;
using ePost.Mail.Spool;
using ePost.Node.Hosting;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ePost.Node.Tests;

/// <summary>"250" after DATA is a promise: the mail is delivered even if the node process dies the next instant.</summary>
[Collection(HeavyTests.Name)]
public sealed class SmtpCrashSafetyTests
{
    [Fact]
    public async Task A_message_acknowledged_with_250_is_delivered_after_alices_node_process_is_killed_and_restarted()
    {
        await using var mail = new MailRing();
        var bob = mail.Issue("bob@ring.test");
        var bobNode = await mail.AddAsync(bob);
        await mail.AddAsync();
        await mail.AddAsync();
        await MailRing.ReadyAgentAsync(bobNode, "bob@ring.test");

        // Alice's node is a real `epost run` process, configured the way an operator would: key file, passphrase file, config.
        var (args, smtpPort, dir) = AliceProcess(mail);
        var process = NodeProcess.Start(args, ca: mail.Ca);
        try
        {
            await process.AddressAsync(TimeSpan.FromSeconds(60));
            var spool = new FileSpool(Path.Combine(dir, "data", "spool"));
            string subject = "";
            // Kill right after the 250; repeat in the (unlikely) case delivery already finished in that instant,
            // so the crash really lands between acknowledgement and delivery.
            for (var attempt = 0; attempt < 5; attempt++)
            {
                subject = $"survives the crash {attempt}";
                using (var smtp = await ConnectAsync(smtpPort))
                {
                    await smtp.SendAsync(new MimeMessage([MailboxAddress.Parse("alice@ring.test")], [MailboxAddress.Parse("bob@ring.test")], subject,
                        new TextPart("plain") { Text = "Acknowledged, then the node died." }));
                    process.Kill();
                }
                process.Dispose();
                if (spool.ListPending().Count > 0) break;
                process = NodeProcess.Start(args, ca: mail.Ca);
                await process.AddressAsync(TimeSpan.FromSeconds(60));
            }
            Assert.NotEmpty(spool.ListPending());

            process = NodeProcess.Start(args, ca: mail.Ca);
            await process.AddressAsync(TimeSpan.FromSeconds(60));
            var restarted = process;
            await Eventually.True(async () => (await MailRing.InboxAsync(bobNode, "bob@ring.test")).Messages.Count >= 1,
                TimeSpan.FromSeconds(120), "the acknowledged message was never delivered after the restart",
                () => Task.FromResult("alice's node said:\n" + string.Join("\n", restarted.Output.TakeLast(40))));
            var inbox = await MailRing.InboxAsync(bobNode, "bob@ring.test");
            var last = await bobNode.Mail!.Store.ReadMessageAsync(new Mail.Backend.MailUser("bob", "bob@ring.test"), "INBOX", inbox.Messages[^1].Uid, CancellationToken.None);
            Assert.Contains(subject, Encoding.UTF8.GetString(last!));
        }
        finally
        {
            process.Dispose();
        }
    }

    [Fact]
    public async Task Every_message_of_a_burst_that_got_250_is_delivered_exactly_once_though_the_node_process_is_killed_twice_during_it()
    {
        const int Burst = 100;
        const int Kills = 2;
        await using var mail = new MailRing();
        var bob = mail.Issue("bob@ring.test");
        var bobNode = await mail.AddAsync(bob);
        await mail.AddAsync();
        await mail.AddAsync();
        await MailRing.ReadyAgentAsync(bobNode, "bob@ring.test");
        var (args, smtpPort, _) = AliceProcess(mail);

        // Two SMTP clients send the burst; after a random number of 250s the process is killed with SIGKILL (whatever
        // the other client had in flight got no 250 and carries no promise), restarted, and the burst goes on.
        var acknowledged = new ConcurrentQueue<string>();
        var next = 0;
        var random = new Random(13);
        var process = NodeProcess.Start(args, ca: mail.Ca);
        try
        {
            for (var round = 0; round <= Kills; round++)
            {
                await process.AddressAsync(TimeSpan.FromSeconds(60));
                var killAt = round < Kills ? acknowledged.Count + random.Next(5, Burst / (Kills + 1)) : int.MaxValue;
                using var killed = new CancellationTokenSource();
                var running = process;
                async Task SendAsync()
                {
                    using var smtp = await ConnectAsync(smtpPort);
                    while (!killed.IsCancellationRequested)
                    {
                        var n = Interlocked.Increment(ref next) - 1;
                        if (n >= Burst) return;
                        var subject = $"burst {n}";
                        // A 4xx (a restarted node that cannot check bob's certificate yet) is retried, as a client does.
                        for (var tries = 1; ; tries++)
                        {
                            try
                            {
                                await smtp.SendAsync(new MimeMessage([MailboxAddress.Parse("alice@ring.test")], [MailboxAddress.Parse("bob@ring.test")], subject,
                                    new TextPart("plain") { Text = $"Message {n} of the burst." }));
                                break;
                            }
                            catch (SmtpCommandException e) when ((int)e.StatusCode is >= 400 and < 500 && tries < 120 && !killed.IsCancellationRequested)
                            {
                                await Task.Delay(TimeSpan.FromMilliseconds(250));
                            }
                            catch (Exception) when (killed.IsCancellationRequested)
                            {
                                return;
                            }
                        }
                        acknowledged.Enqueue(subject);
                        if (acknowledged.Count < killAt || killed.IsCancellationRequested) continue;
                        killed.Cancel();
                        running.Kill();
                    }
                }
                await Task.WhenAll(SendAsync(), SendAsync());
                if (!killed.IsCancellationRequested) break;
                process.Dispose();
                process = NodeProcess.Start(args, ca: mail.Ca);
            }
            Assert.True(acknowledged.Count >= Burst - 2 * Kills, $"only {acknowledged.Count} of {Burst} got 250");

            var restarted = process;
            var filed = new Dictionary<string, int>();
            await Eventually.True(async () =>
            {
                if ((await MailRing.InboxAsync(bobNode, "bob@ring.test")).Messages.Count < acknowledged.Count) return false;
                filed = await SubjectsAsync(bobNode);
                return acknowledged.All(filed.ContainsKey);
            }, TimeSpan.FromSeconds(120), "some messages that got 250 were never delivered",
                () => Task.FromResult($"missing: {string.Join(", ", acknowledged.Where(a => !filed.ContainsKey(a)))}\nalice's node said:\n" +
                                      string.Join("\n", restarted.Output.TakeLast(40))));
            // Exactly once: no message (acknowledged or cut off in flight) is filed twice.
            Assert.DoesNotContain(filed, f => f.Value > 1);
        }
        finally
        {
            process.Dispose();
        }
    }

    private static async Task<Dictionary<string, int>> SubjectsAsync(NodeHost node)
    {
        var subjects = new Dictionary<string, int>();
        var user = new Mail.Backend.MailUser("bob", "bob@ring.test");
        foreach (var message in (await MailRing.InboxAsync(node, "bob@ring.test")).Messages)
        {
            var bytes = await node.Mail!.Store.ReadMessageAsync(user, "INBOX", message.Uid, CancellationToken.None);
            if (bytes is null) continue;
            var subject = MimeMessage.Load(new MemoryStream(bytes)).Subject ?? "";
            subjects[subject] = subjects.GetValueOrDefault(subject) + 1;
        }
        return subjects;
    }

    /// <summary>Alice's node as an operator configures it (key file, passphrase file, config): its `epost run` arguments, SMTP port and directory.</summary>
    private static (string[] Args, int SmtpPort, string Dir) AliceProcess(MailRing mail)
    {
        var alice = mail.Issue("alice@ring.test");
        var dir = mail.Ring.NewDataDir("alice-process");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "alice.key"), PassphraseKeyFile.Seal(alice, "alice-pass", new Argon2idCost(8 * 1024, 1, 1), RandomNumberGenerator.Create()));
        File.WriteAllText(Path.Combine(dir, "alice.pass"), "alice-pass\n");
        var smtpPort = FreePort();
        File.WriteAllText(Path.Combine(dir, "node.conf"), $$"""
            {{mail.Config}}
            {{LocalRing.FastLiveness}}
            epost.post.users = [ { key-file = {{NodeConfig.Quote(Path.Combine(dir, "alice.key"))}}, passphrase-file = {{NodeConfig.Quote(Path.Combine(dir, "alice.pass"))}} } ]
            epost.mail.smtp-port = {{smtpPort}}
            # Retry every few seconds at most: on a loaded machine the restarted node's first attempts may find the
            # ring not yet able to answer, and the default back-off (doubling to 4 h) would outlast the test.
            epost.mail.delivery.first-retry = 1s
            epost.mail.delivery.max-retry = 5s
            akka.loglevel = INFO
            """);
        string[] args = ["run", "--config", Path.Combine(dir, "node.conf"), "--port", "0", "--data-dir", Path.Combine(dir, "data"), "--bootstrap", mail.Ring.Nodes[0].Address];
        return (args, smtpPort, dir);
    }

    private static async Task<SmtpClient> ConnectAsync(int port)
    {
        var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await Eventually.True(async () =>
        {
            try
            {
                await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.StartTls);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), "alice's SMTP never listened");
        await client.AuthenticateAsync("alice@ring.test", "alice-pass");
        return client;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
