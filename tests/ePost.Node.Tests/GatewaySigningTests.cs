using ePost.Post.Delivery;
using ePost.Storage.Objects;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ePost.Node.Tests;

/// <summary>Mail from the Internet is vouched for by the node that received it, never by the ring user its envelope names.</summary>
[Collection(HeavyTests.Name)]
public sealed class GatewaySigningTests
{
    [Fact]
    public async Task Internet_mail_claiming_to_be_from_a_ring_user_is_signed_by_the_gateway_node_not_with_that_users_key()
    {
        await using var mail = new MailRing { Extra = "epost.mail.gateway-port = 0" };
        var alice = mail.Issue("alice@ring.test");
        var bob = mail.Issue("bob@ring.test");
        var aliceNode = await mail.AddAsync(alice);
        var bobNode = await mail.AddAsync(bob);
        await mail.AddAsync();
        await MailRing.ReadyAgentAsync(aliceNode, "alice@ring.test");
        await MailRing.ReadyAgentAsync(bobNode, "bob@ring.test");
        await Eventually.True(async () => await MailRing.KnowsCertificateAsync(aliceNode, "bob@ring.test"),
            TimeSpan.FromSeconds(30), "bob's certificate was never published");
        // Bob is offline, so the notification waits in the ring where this test can read it with bob's keys.
        await mail.Ring.ShutdownAsync(bobNode);

        using (var smtp = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true })
        {
            // A host on the Internet, unauthenticated, on the gateway port, forging alice as the envelope and header sender.
            await smtp.ConnectAsync(aliceNode.MailEndpoints!.Host, aliceNode.MailEndpoints.Gateway, SecureSocketOptions.None);
            await smtp.SendAsync(new MimeMessage([MailboxAddress.Parse("alice@ring.test")], [MailboxAddress.Parse("bob@ring.test")], "from outside",
                new TextPart("plain") { Text = "Claims to be alice." }));
            await smtp.DisconnectAsync(true);
        }
        var pending = Path.Combine(aliceNode.Settings.DataDir, "spool", "pending");
        await Eventually.True(() => Task.FromResult(!Directory.EnumerateFiles(pending).Any()), TimeSpan.FromSeconds(60), "the gateway never delivered the message");

        var (first, last) = NotificationObject.ArcOf(bob.Certificate.UserId);
        var ring = aliceNode.Mail!.Services.Ring;
        var listed = await ring.ListArcAsync(first, last, 100);
        // A retried attempt may have deposited a second notification of the same delivery (bob files it once); each is the gateway's.
        var deposits = 0;
        foreach (var id in listed.Ids)
        {
            // The arc begins at bob's user id, where his certificate is published.
            if (await ring.LookupAsync(id, newest: true) is not NotificationObject notification) continue;
            deposits++;
            var opened = Notification.Open(notification.Body.Span, bob);
            Assert.True(opened.Notification.IsGateway);
            Assert.Equal("", opened.Notification.Sender);
            Assert.False(opened.VerifySender(alice.Certificate));
            Assert.True(opened.VerifyGateway(aliceNode.Trust!.Check, out var reason), reason);
            Assert.Equal(aliceNode.Identity.Id, Core.Crypto.NodeCertificate.Decode(opened.Notification.GatewayCertificate!).NodeId);
        }
        Assert.InRange(deposits, 1, 2);
    }
}
