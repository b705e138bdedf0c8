using System.Security.Cryptography;
using Akka.Actor;
using ePost.Core.Ids;
using ePost.Mail.Delivery;
using ePost.Node.Hosting;
using ePost.Post.Delivery;
using ePost.Post.Mailbox;
using ePost.Storage.Leases;
using ePost.Storage.Objects;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ePost.Node.Tests;

/// <summary>
/// Receipts the sender can see: real nodes, mail submitted with MailKit asking for DSN (RFC 3461), the recipient's
/// node files it and signs a receipt, and the sender's node shows it as a DSN in INBOX and $Delivered on the Sent copy.
/// </summary>
[Collection(HeavyTests.Name)]
public sealed class DeliveryReceiptTests
{
    private const string Password = "secret";

    /// <summary>MailKit's client asking NOTIFY=SUCCESS,FAILURE and ENVID for every recipient.</summary>
    private sealed class DsnClient : SmtpClient
    {
        protected override DeliveryStatusNotification? GetDeliveryStatusNotifications(MimeMessage message, MailboxAddress mailbox) =>
            DeliveryStatusNotification.Success | DeliveryStatusNotification.Failure;

        protected override string GetEnvelopeId(MimeMessage message) => "env-" + message.MessageId;
    }

    private static MimeMessage Letter(string id) =>
        new([MailboxAddress.Parse("alice@ring.test")], [MailboxAddress.Parse("bob@ring.test")], "Did it arrive?", new TextPart("plain") { Text = "Tell me." })
        {
            MessageId = id,
        };

    /// <summary>Sends as a mail client does: SMTP submission with DSN, then APPEND of the copy to Sent.</summary>
    private static async Task SendAndFileSentCopyAsync(NodeHost node, MimeMessage letter)
    {
        using (var smtp = new DsnClient { ServerCertificateValidationCallback = (_, _, _, _) => true })
        {
            await smtp.ConnectAsync(node.MailEndpoints!.Host, node.MailEndpoints.Smtp, SecureSocketOptions.StartTls);
            Assert.True(smtp.Capabilities.HasFlag(SmtpCapabilities.Dsn), "DSN is not offered in EHLO");
            await smtp.AuthenticateAsync("alice@ring.test", Password);
            await smtp.SendAsync(letter);
            await smtp.DisconnectAsync(true);
        }
        using var imap = await ImapAsync(node);
        await imap.GetFolder("Sent").AppendAsync(letter, MessageFlags.Seen);
        await imap.DisconnectAsync(true);
    }

    private static async Task<ImapClient> ImapAsync(NodeHost node)
    {
        var client = new ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync(node.MailEndpoints!.Host, node.MailEndpoints.Imap, SecureSocketOptions.StartTls);
        await client.AuthenticateAsync("alice@ring.test", Password);
        return client;
    }

    /// <summary>Alice's INBOX reports and whether her Sent copy carries $Delivered, read over IMAP.</summary>
    private static async Task<(IReadOnlyList<MimeMessage> Reports, bool Delivered)> AliceSeesAsync(NodeHost node)
    {
        using var imap = await ImapAsync(node);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var reports = new List<MimeMessage>();
        for (var i = 0; i < imap.Inbox.Count; i++)
        {
            var message = await imap.Inbox.GetMessageAsync(i);
            if (message.Body is MultipartReport) reports.Add(message);
        }
        var sent = imap.GetFolder("Sent");
        await sent.OpenAsync(FolderAccess.ReadOnly);
        var summaries = sent.Count == 0 ? [] : await sent.FetchAsync(0, -1, MessageSummaryItems.Flags | MessageSummaryItems.Envelope);
        await imap.DisconnectAsync(true);
        return (reports, summaries.Any(s => s.Keywords.Contains(ReceiptDesk.DeliveredKeyword)));
    }

    private static void AssertSuccessReport(MimeMessage report, string messageId)
    {
        var status = Assert.IsType<MessageDeliveryStatus>(Assert.IsType<MultipartReport>(report.Body)[1]);
        Assert.Equal("env-" + messageId, status.StatusGroups[0]["Original-Envelope-Id"]);
        var recipient = status.StatusGroups[1];
        Assert.Equal("rfc822; bob@ring.test", recipient["Final-Recipient"]);
        Assert.Equal("delivered", recipient["Action"]);
        Assert.Equal("2.0.0", recipient["Status"]);
        Assert.True(MimeKit.Utils.DateUtils.TryParse(recipient["Last-Attempt-Date"], out _), "the filing time is missing");
        // The returned headers say which message it was.
        Assert.Contains(messageId, Assert.IsType<MultipartReport>(report.Body)[2].ToString());
    }

    private static MailRing NewRing() => new() { Extra = "epost.mail.delivery.scan-interval = 1s" };

    [Fact]
    public async Task A_message_sent_with_notify_success_to_a_ring_user_yields_a_dsn_in_the_senders_inbox_and_delivered_on_the_sent_copy()
    {
        await using var mail = NewRing();
        var aliceNode = await mail.AddAsync(mail.Issue("alice@ring.test"));
        var bobNode = await mail.AddAsync(mail.Issue("bob@ring.test"));
        for (var i = 0; i < 2; i++) await mail.AddAsync();
        await MailRing.ReadyAgentAsync(aliceNode, "alice@ring.test");
        await MailRing.ReadyAgentAsync(bobNode, "bob@ring.test");
        await Eventually.True(async () => await MailRing.KnowsCertificateAsync(aliceNode, "bob@ring.test"), TimeSpan.FromSeconds(30), "bob's certificate was never published");

        await SendAndFileSentCopyAsync(aliceNode, Letter("receipt-1@ring.test"));

        await Eventually.True(async () => (await MailRing.InboxAsync(bobNode, "bob@ring.test")).Messages.Count == 1, TimeSpan.FromSeconds(30), "bob never got the message");
        await Eventually.True(async () => await AliceSeesAsync(aliceNode) is { Reports.Count: 1, Delivered: true }, TimeSpan.FromSeconds(45),
            "alice never saw the DSN and $Delivered");
        AssertSuccessReport((await AliceSeesAsync(aliceNode)).Reports[0], "receipt-1@ring.test");
    }

    [Fact]
    public async Task To_an_offline_recipient_the_dsn_comes_only_once_its_node_has_filed_the_message_and_a_forged_receipt_changes_nothing()
    {
        await using var mail = NewRing();
        var alice = mail.Issue("alice@ring.test");
        var bob = mail.Issue("bob@ring.test");
        var aliceNode = await mail.AddAsync(alice);
        var bobDir = mail.Ring.NewDataDir("bob");
        var bobNode = await mail.AddAsync(bobDir, bob);
        for (var i = 0; i < 4; i++) await mail.AddAsync();
        var aliceAgent = await MailRing.ReadyAgentAsync(aliceNode, "alice@ring.test");
        await MailRing.SyncedAsync(await MailRing.ReadyAgentAsync(bobNode, "bob@ring.test"), "bob's new mailbox never reached the ring");
        await Eventually.True(async () => await MailRing.KnowsCertificateAsync(aliceNode, "bob@ring.test"), TimeSpan.FromSeconds(30), "bob's certificate was never published");

        await mail.Ring.ShutdownAsync(bobNode);
        await SendAndFileSentCopyAsync(aliceNode, Letter("receipt-2@ring.test"));
        var spool = Path.Combine(aliceNode.Settings.DataDir, "spool");
        await Eventually.True(() => Task.FromResult(Directory.GetFiles(Path.Combine(spool, "pending")).Length == 0), TimeSpan.FromSeconds(30),
            "alice's node never handed the message to POST");
        var deliveryId = Path.GetFileNameWithoutExtension(Assert.Single(Directory.GetFiles(Path.Combine(spool, "receipts"))));

        // Someone who knows the delivery id claims bob filed it, signing with a key that is not bob's.
        var forger = mail.Issue("eve@ring.test");
        var forged = new Receipt(deliveryId, "alice@ring.test", "bob@ring.test", RingId.ForAddress("anything"), DateTimeOffset.UtcNow)
            .SealWith(forger.Signing, alice.Certificate, RandomNumberGenerator.Create());
        await aliceNode.Mail!.Services.Ring.InsertAsync(NotificationObject.Deposit(alice.Certificate.UserId, alice.Signing.PublicKey, forged), LeaseDuration.FromDays(1));
        aliceAgent.Tell(new CollectNotifications(null));
        await Eventually.True(async () => (await aliceAgent.Ask<AgentStatus>(GetAgentStatus.Instance, TimeSpan.FromSeconds(10))).Rejected >= 1,
            TimeSpan.FromSeconds(30), "alice's node never looked at the forged receipt");
        var before = await AliceSeesAsync(aliceNode);
        Assert.Empty(before.Reports);
        Assert.False(before.Delivered, "a forged receipt marked the Sent copy delivered");
        Assert.Single(Directory.GetFiles(Path.Combine(spool, "receipts")));

        bobNode = await mail.AddAsync(bobDir, bob);
        await Eventually.True(async () => (await MailRing.InboxAsync(bobNode, "bob@ring.test")).Messages.Count == 1, TimeSpan.FromSeconds(60), "bob's node never filed the message");
        await Eventually.True(async () => await AliceSeesAsync(aliceNode) is { Reports.Count: 1, Delivered: true }, TimeSpan.FromSeconds(45),
            "alice never saw the DSN and $Delivered after bob's node filed the message");
        AssertSuccessReport((await AliceSeesAsync(aliceNode)).Reports[0], "receipt-2@ring.test");
        await Eventually.True(() => Task.FromResult(Directory.GetFiles(Path.Combine(spool, "receipts")).Length == 0), TimeSpan.FromSeconds(10),
            "the receipt record outlived its work");
    }
}
