using System.Text;
using ePost.Node.Hosting;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Net.Smtp;
using MailKit.Search;
using MailKit.Security;
using MimeKit;

namespace ePost.Node.Tests;

/// <summary>Real mail clients (MailKit) against the nodes' SMTP, POP3 and IMAP, with POST underneath: mail crosses the ring.</summary>
[Collection(HeavyTests.Name)]
public sealed class MailClientsOverPostTests
{
    private const string Password = "secret";

    private static MimeMessage Letter(string subject, string text, byte[]? attachment = null)
    {
        var body = new BodyBuilder { TextBody = text };
        if (attachment is not null) body.Attachments.Add("report.bin", attachment, new ContentType("application", "octet-stream"));
        return new MimeMessage([MailboxAddress.Parse("alice@ring.test")], [MailboxAddress.Parse("bob@ring.test")], subject, body.ToMessageBody());
    }

    private static async Task<SmtpClient> SmtpAsync(NodeHost node, bool implicitTls)
    {
        var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        var endpoints = node.MailEndpoints!;
        await client.ConnectAsync(endpoints.Host, implicitTls ? endpoints.Smtps : endpoints.Smtp, implicitTls ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls);
        await client.AuthenticateAsync("alice@ring.test", Password);
        return client;
    }

    private static async Task<ImapClient> ImapAsync(NodeHost node)
    {
        var client = new ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync(node.MailEndpoints!.Host, node.MailEndpoints.Imap, SecureSocketOptions.StartTls);
        await client.AuthenticateAsync("bob@ring.test", Password);
        return client;
    }

    private static async Task<(NodeHost Alice, NodeHost Bob, MailRing Mail)> RingAsync()
    {
        var mail = new MailRing();
        var alice = await mail.AddAsync(mail.Issue("alice@ring.test"));
        var bob = await mail.AddAsync(mail.Issue("bob@ring.test"));
        await mail.AddAsync();
        await mail.AddAsync();
        await MailRing.ReadyAgentAsync(alice, "alice@ring.test");
        await MailRing.ReadyAgentAsync(bob, "bob@ring.test");
        await Eventually.True(async () => await MailRing.KnowsCertificateAsync(alice, "bob@ring.test"),
            TimeSpan.FromSeconds(30), "bob's certificate was never published");
        return (alice, bob, mail);
    }

    [Fact]
    public async Task Alice_submits_over_starttls_and_implicit_tls_and_bob_retrieves_the_same_bytes_over_pop3()
    {
        var (aliceNode, bobNode, mail) = await RingAsync();
        await using var _ = mail;
        var attachment = new byte[40_000];
        new Random(5).NextBytes(attachment);
        var sent = new List<byte[]>();
        foreach (var implicitTls in new[] { false, true })
        {
            using var smtp = await SmtpAsync(aliceNode, implicitTls);
            var letter = Letter(implicitTls ? "over implicit TLS" : "over STARTTLS", "Hello Bob", attachment);
            using var bytes = new MemoryStream();
            // What goes over SMTP: the message with CR LF line ends.
            var wire = FormatOptions.Default.Clone();
            wire.NewLineFormat = NewLineFormat.Dos;
            await letter.WriteToAsync(wire, bytes);
            sent.Add(bytes.ToArray());
            await smtp.SendAsync(letter);
            await smtp.DisconnectAsync(true);
        }

        using var pop3 = new Pop3Client { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await Eventually.True(async () =>
        {
            if (pop3.IsConnected) await pop3.DisconnectAsync(true);
            await pop3.ConnectAsync(bobNode.MailEndpoints!.Host, bobNode.MailEndpoints.Pop3, SecureSocketOptions.StartTls);
            await pop3.AuthenticateAsync("bob@ring.test", Password);
            return pop3.Count == 2;
        }, TimeSpan.FromSeconds(30), "both messages never reached bob's POP3 mailbox");
        for (var i = 0; i < 2; i++)
        {
            using var stream = await pop3.GetStreamAsync(i);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            var received = copy.ToArray();
            // Bob's node delivered exactly what alice's node accepted: her submitted bytes behind the trace header it added.
            var text = Encoding.ASCII.GetString(received);
            Assert.StartsWith("Received: from ", text);
            var body = text[(text.IndexOf("\r\n", text.IndexOf("Received: from ", StringComparison.Ordinal), StringComparison.Ordinal) + 2)..];
            Assert.True(received.AsSpan().EndsWith(sent[i]) || received.AsSpan().EndsWith(sent[1 - i]),
                $"the message changed on its way:\n--- received ({received.Length}) ---\n{text[..Math.Min(600, text.Length)]}\n--- sent ({sent[i].Length}) ---\n{Encoding.ASCII.GetString(sent[i])[..600]}");
        }
        await pop3.DisconnectAsync(true);
    }

    [Fact]
    public async Task Bobs_folders_flags_and_messages_work_over_imap_and_idle_hears_mail_from_alices_node()
    {
        var (aliceNode, bobNode, mail) = await RingAsync();
        await using var _ = mail;
        using var imap = await ImapAsync(bobNode);
        var personal = imap.GetFolder(imap.PersonalNamespaces[0]);

        // Folders: nested and non-ASCII, renamed and deleted.
        var projects = (await personal.CreateAsync("Projekte", true))!;
        var nested = (await projects.CreateAsync("Übersicht 2026", true))!;
        await nested.RenameAsync(projects, "Überblick");
        var scratch = (await personal.CreateAsync("Scratch", true))!;
        await scratch.DeleteAsync();
        var names = (await personal.GetSubfoldersAsync(false)).Select(f => f.FullName).ToList();
        Assert.Contains("Projekte", names);
        Assert.DoesNotContain("Scratch", names);
        Assert.Contains("Projekte/Überblick", (await projects.GetSubfoldersAsync(false)).Select(f => f.FullName));

        // Append, then fetch headers, a part and a partial body byte-exactly; search; flags; copy, move, expunge.
        var inbox = imap.Inbox!;
        var attachment = Enumerable.Range(0, 30_000).Select(i => (byte)(i * 7)).ToArray();
        var appended = await inbox.AppendAsync(Letter("Quarterly numbers", "See the report.", attachment), MessageFlags.None);
        await inbox.AppendAsync(Letter("Lunch", "Noon?"), MessageFlags.Seen);
        await inbox.OpenAsync(FolderAccess.ReadWrite);
        Assert.Equal(2, inbox.Count);
        var uid = appended!.Value;
        var message = await inbox.GetMessageAsync(uid);
        Assert.Equal("Quarterly numbers", message.Subject);
        using (var decoded = new MemoryStream())
        {
            ((MimePart)message.Attachments.Single()).Content!.DecodeTo(decoded);
            Assert.Equal(attachment, decoded.ToArray());
        }
        using (var partial = await inbox.GetStreamAsync(uid, "TEXT", 10, 20))
            Assert.Equal(20, partial.ReadAllBytes().Length);
        Assert.Equal([uid], await inbox.SearchAsync(SearchQuery.SubjectContains("quarterly")));
        Assert.Single(await inbox.SearchAsync(SearchQuery.NotSeen));
        Assert.Single(await inbox.SearchAsync(SearchQuery.LargerThan(20_000)));
        await inbox.AddFlagsAsync(uid, MessageFlags.Flagged, true);
        Assert.Single(await inbox.SearchAsync(SearchQuery.Flagged));

        // A second session on the same folder sees the first one's changes.
        using var second = await ImapAsync(bobNode);
        await second.Inbox!.OpenAsync(FolderAccess.ReadWrite);
        Assert.Equal(2, second.Inbox.Count);
        var work = (await personal.CreateAsync("Work", true))!;
        await inbox.CopyToAsync(uid, work);
        await inbox.MoveToAsync(uid, projects);
        await second.Inbox.CheckAsync();
        Assert.Equal(1, second.Inbox.Count);
        await work.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(1, work.Count);

        // IDLE on bob's INBOX hears a message alice submits at her own node.
        await second.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var arrived = new TaskCompletionSource();
        second.Inbox.CountChanged += (_, _) => { if (second.Inbox.Count >= 2) arrived.TrySetResult(); };
        using var done = new CancellationTokenSource();
        var idle = second.IdleAsync(done.Token);
        using (var smtp = await SmtpAsync(aliceNode, implicitTls: false))
        {
            await smtp.SendAsync(Letter("Heard during IDLE", "ping"));
            await smtp.DisconnectAsync(true);
        }
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await done.CancelAsync();
        await idle;

        // An auto-reply alice's client sends with the null sender (MAIL FROM:<>, issue 14) crosses the ring too.
        using (var smtp = await SmtpAsync(aliceNode, implicitTls: false))
        {
            await smtp.SendAsync(Letter("Out of office", "Back on Monday"), new MailboxAddress("", ""), [MailboxAddress.Parse("bob@ring.test")]);
            await smtp.DisconnectAsync(true);
        }
        await Eventually.True(async () =>
        {
            await second.Inbox.CheckAsync();
            return second.Inbox.Count == 3;
        }, TimeSpan.FromSeconds(30), "the null-sender auto-reply never reached bob's INBOX");
        Assert.Equal("Out of office", (await second.Inbox.GetMessageAsync(2)).Subject);
        await imap.DisconnectAsync(true);
        await second.DisconnectAsync(true);
    }
}

internal static class StreamExtensions
{
    public static byte[] ReadAllBytes(this Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
