using System.Text;
using ePost.Core.Ids;
using ePost.Mail.Backend;
using ePost.Post.Mailbox;
using ePost.Post.Messages;

namespace ePost.Node.Tests;

/// <summary>Leases under POST: what the logs reference is renewed by the owner's node; what nothing references expires.</summary>
[Collection(HeavyTests.Name)]
public sealed class PostLeaseTests
{
    private static readonly MailUser Bob = new("bob", "bob@ring.test");

    private static byte[] Message(string name) => Encoding.ASCII.GetBytes(
        $"From: alice@ring.test\r\nTo: bob@ring.test\r\nSubject: {name}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
        $"--b\r\nContent-Type: text/plain\r\n\r\n{name}\r\n--b\r\nContent-Type: text/plain\r\n\r\n{string.Concat(Enumerable.Repeat(name + " line\r\n", 800))}--b--\r\n");

    [Fact]
    public async Task Blocks_of_kept_mail_outlive_their_first_lease_and_blocks_of_expunged_mail_expire()
    {
        // Leases of seconds instead of days: the owner renews every 2 s what its logs reference; stores collect every second.
        await using var mail = new MailRing
        {
            Extra = """
                epost.post.leases.message = 6s
                epost.post.leases.log = 6s
                epost.post.renew-interval = 2s
                epost.post.archive-interval = 3s
                epost.storage.leases.collection-interval = 1s
                """,
        };
        var bob = mail.Issue("bob@ring.test");
        var bobNode = await mail.AddAsync(bob);
        for (var i = 0; i < 4; i++) await mail.AddAsync();
        await MailRing.ReadyAgentAsync(bobNode, "bob@ring.test");
        var store = bobNode.Mail!.Store;
        await store.AppendAsync(Bob, "INBOX", Message("kept"), [], null, CancellationToken.None);
        await store.AppendAsync(Bob, "INBOX", Message("expunged"), [], null, CancellationToken.None);
        var kept = MessageCodec.Encode(Message("kept"));
        var dropped = MessageCodec.Encode(Message("expunged"));
        RingId[] keptIds = [kept.Manifest.Id, .. kept.Blocks.Select(b => b.Id)];
        RingId[] droppedIds = [dropped.Manifest.Id, .. dropped.Blocks.Select(b => b.Id)];
        Assert.NotEmpty(dropped.Blocks);
        await store.ExpungeAsync(Bob, "INBOX", [2], CancellationToken.None);

        // Well past two of the original leases, the expunged message's objects are gone from every node...
        await Eventually.True(async () => await HeldAnywhereAsync(mail.Ring, droppedIds) == 0, TimeSpan.FromSeconds(60),
            "the expunged message's blocks never expired", async () => $"{await HeldAnywhereAsync(mail.Ring, droppedIds)} still held");
        // ...while the kept message, also past its first lease, is still whole and readable.
        Assert.Equal(keptIds.Length, await HeldAnywhereAsync(mail.Ring, keptIds));
        Assert.Equal(Message("kept"), await store.ReadMessageAsync(Bob, "INBOX", 1, CancellationToken.None));
    }

    private static async Task<int> HeldAnywhereAsync(LocalRing ring, IEnumerable<RingId> ids)
    {
        var held = new HashSet<RingId>();
        foreach (var node in ring.Nodes) held.UnionWith(await node.HeldAsync());
        return ids.Count(held.Contains);
    }
}
