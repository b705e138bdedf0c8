using System.Text;
using Akka.Actor;
using ePost.Post.Mailbox;

namespace ePost.Node.Tests;

/// <summary>A notification whose sender's certificate the ring does not have yet waits in the ring; it is not refused.</summary>
[Collection(HeavyTests.Name)]
public sealed class PostUnknownSenderTests
{
    [Fact]
    public async Task Mail_from_a_user_whose_certificate_is_published_only_after_the_delivery_is_filed_once_it_is_published()
    {
        // This is what a restarted node does: its delivery agent drains the spool at once, before the user agent has
        // (re)published its user's certificate. The message is on the ring; refusing it would lose mail acknowledged with 250.
        await using var mail = new MailRing();
        var bob = mail.Issue("bob@ring.test");
        var carol = mail.Issue("carol@ring.test");
        var bobNode = await mail.AddAsync(bob);
        for (var i = 0; i < 3; i++) await mail.AddAsync();
        var agent = await MailRing.ReadyAgentAsync(bobNode, "bob@ring.test");
        await Eventually.True(async () => await MailRing.KnowsCertificateAsync(bobNode, "bob@ring.test"), TimeSpan.FromSeconds(30), "bob's certificate was never published");
        var services = bobNode.Mail!.Services;

        await services.Sender.SendAsync(carol, "bob@ring.test", "carol-1", Encoding.ASCII.GetBytes("Subject: early\r\n\r\nsent before carol's certificate\r\n"));
        await Eventually.True(async () => (await agent.Ask<AgentStatus>(GetAgentStatus.Instance, TimeSpan.FromSeconds(10))).Postponed >= 2,
            TimeSpan.FromSeconds(30), "bob's agent never looked at carol's notification twice");
        var waiting = await agent.Ask<AgentStatus>(GetAgentStatus.Instance, TimeSpan.FromSeconds(10));
        Assert.Equal(0, waiting.Rejected);
        Assert.Empty((await MailRing.InboxAsync(bobNode, "bob@ring.test")).Messages);

        await services.Certificates.PublishAsync(carol.Certificate, services.Settings.CertificateLease);

        await Eventually.True(async () => (await MailRing.InboxAsync(bobNode, "bob@ring.test")).Messages.Count == 1,
            TimeSpan.FromSeconds(30), "carol's message was never filed after her certificate was published");
    }
}
