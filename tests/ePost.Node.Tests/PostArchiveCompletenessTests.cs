using System.Security.Cryptography;
using System.Text;
using Akka.Actor;
using ePost.Core.Ids;
using ePost.Mail.Backend;
using ePost.Post.Logs;
using ePost.Post.Mailbox;
using ePost.Post.Ring;

namespace ePost.Node.Tests;

/// <summary>An archive is made of everything the mailbox references, or it is not made and says what it lacks.</summary>
[Collection(HeavyTests.Name)]
public sealed class PostArchiveCompletenessTests
{
    private static readonly MailUser Bob = new("bob", "bob@ring.test");

    [Fact]
    public async Task An_archive_of_a_mailbox_that_references_a_message_missing_from_the_ring_reports_that_message_and_is_not_recorded()
    {
        // The full pass on request only: incremental runs (which add what the ring has to the index) stay a day away.
        await using var mail = new MailRing { Extra = "epost.post { archive-delay = 1d }" };
        var bob = mail.Issue("bob@ring.test");
        for (var i = 0; i < 3; i++) await mail.AddAsync();
        var bobNode = await mail.AddAsync(bob);
        var agent = await MailRing.ReadyAgentAsync(bobNode, "bob@ring.test");
        await bobNode.Mail!.Store.AppendAsync(Bob, "INBOX", Encoding.ASCII.GetBytes("Subject: present\r\n\r\nin the ring\r\n"), [], null, CancellationToken.None);
        // A message whose manifest the ring never held (a sender's store that failed, or every replica lost).
        var lost = RingId.Random(new Random(11));
        var lostRef = new MessageRef(lost.ToBytes(), RandomNumberGenerator.GetBytes(MessageRef.KeyLength));
        Assert.IsType<Appended>(await agent.Ask<object>(new AppendMessage("INBOX", lostRef, 100, [], 0), TimeSpan.FromSeconds(30)));
        await MailRing.SyncedAsync(agent, "bob's logs never reached the ring");

        var answer = await agent.Ask<object>(ArchiveNow.Instance, TimeSpan.FromSeconds(120));

        var incomplete = Assert.IsType<ArchiveIncomplete>(answer);
        Assert.Equal([lost], incomplete.Missing);
        Assert.True(incomplete.Referenced > incomplete.Missing.Count, $"only {incomplete.Referenced} objects referenced");
        // The index still names no archive: a restore from it would have rebuilt a mailbox that cannot load.
        Assert.Null(await ArchiveIndex.ReadAsync(bobNode.Mail.Services.Ring, bob));
    }
}
