using Akka.Actor;
using ePost.Core.Crypto;
using ePost.Core.Hashing;
using ePost.Core.Ids;
using ePost.Node.Hosting;
using ePost.Node.Identity;
using ePost.Overlay;
using ePost.Overlay.Node;
using ePost.Storage.Objects;
using ePost.Storage.Replication;
using ePost.Storage.Transfer;
using ePost.Storage.Wire;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ePost.Node.Tests;

/// <summary>
/// A certified member whose storage lies over real Akka.Remote: it acknowledges every insert it is root of with a
/// forged count and forged receipts, claims to hold every copy it is sent, and says "not found" to every fetch.
/// The SMTP spool must keep the message until honest replicas hold it; then it is delivered once, the liar still in the ring.
/// </summary>
[Collection(HeavyTests.Name)]
public sealed class LyingStorageTests
{
    [Fact]
    public async Task A_member_that_forges_insert_acknowledgements_and_receipts_never_makes_the_spool_drop_a_message()
    {
        // Receipts are on by default (hocon/storage.conf); said here too, since this test is about them.
        await using var mail = new MailRing { Extra = "epost.mail.delivery { first-retry = 1s, max-retry = 2s }\nepost.storage.require-receipts = on" };
        var alice = mail.Issue("alice@ring.test");
        var bob = mail.Issue("bob@ring.test");
        var aliceNode = await mail.AddAsync(alice);
        var bobNode = await mail.AddAsync(bob);
        await MailRing.ReadyAgentAsync(aliceNode, "alice@ring.test");
        await MailRing.ReadyAgentAsync(bobNode, "bob@ring.test");
        await Eventually.True(async () => await MailRing.KnowsCertificateAsync(aliceNode, "bob@ring.test"),
            TimeSpan.FromSeconds(30), "bob's certificate was never published");

        // The liar's node key is chosen (as any member may choose its key before certification) so that it is the root
        // of bob's whole notification arc: every notification for bob is inserted through it.
        var (first, last) = NotificationObject.ArcOf(bob.Certificate.UserId);
        var honest = mail.Ring.Nodes.Select(n => n.Identity.Id).ToList();
        var liarDir = GrindDataDir(mail.Ring, id => honest.All(h => RingId.CompareCloseness(first, id, h) < 0 && RingId.CompareCloseness(last, id, h) < 0));
        var liarNode = await mail.AddAsync(liarDir);
        var certificate = File.ReadAllBytes(Path.Combine(liarDir, TransportSettings.NodeCertificateFile));
        var liar = liarNode.System.ActorOf(Props.Create(() => new LyingStorage(liarNode.Overlay, liarNode.Identity.SigningKey, certificate)));
        // The lying store takes every storage message the overlay delivers from now on.
        liarNode.Overlay.Tell(new RegisterApplication(typeof(IStorageMessage), liar));
        await Eventually.True(async () => (await aliceNode.StatusAsync()).Clockwise.Concat((await aliceNode.StatusAsync()).CounterClockwise)
            .Any(n => n.Id == liarNode.Identity.Id), TimeSpan.FromSeconds(30), "alice's node never saw the liar join");
        Assert.Equal(liarNode.Identity.Id, mail.Ring.TrueRoot(first));

        using (var smtp = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true })
        {
            await smtp.ConnectAsync(aliceNode.MailEndpoints!.Host, aliceNode.MailEndpoints.Smtp, SecureSocketOptions.StartTls);
            await smtp.AuthenticateAsync("alice@ring.test", "secret");
            await smtp.SendAsync(new MimeMessage([MailboxAddress.Parse("alice@ring.test")], [MailboxAddress.Parse("bob@ring.test")], "kept",
                new TextPart("plain") { Text = "Through a liar." }));
            await smtp.DisconnectAsync(true);
        }

        var spool = Path.Combine(aliceNode.Settings.DataDir, "spool");
        bool Pending() => Directory.EnumerateFiles(Path.Combine(spool, "pending")).Any();
        await Eventually.True(async () => await liar.Ask<int>(LyingStorage.HowManyLies.Instance, TimeSpan.FromSeconds(5)) >= 1,
            TimeSpan.FromSeconds(60), "the liar was never asked to store bob's notification");
        // The liar's forged receipts never count: alice's node, short of receipts, sends its copy to the honest holders it
        // knows itself, and the spool lets the message go only once their receipts prove it stored. Bob then finds it
        // there (the liar says "not found" to every fetch), while the liar is still in the ring.
        await Eventually.True(async () => (await MailRing.InboxAsync(bobNode, "bob@ring.test")).Messages.Count == 1, TimeSpan.FromSeconds(90),
            "bob never got the message from the honest holders");
        await Eventually.True(() => Task.FromResult(!Pending()), TimeSpan.FromSeconds(30), "the spool kept the delivered message");

        // The liar leaves; nothing is delivered twice.
        await mail.Ring.ShutdownAsync(liarNode);
        Assert.Single((await MailRing.InboxAsync(bobNode, "bob@ring.test")).Messages);
    }

    /// <summary>A data directory whose node key gives an id for which <paramref name="wanted"/> holds.</summary>
    private static string GrindDataDir(LocalRing ring, Func<RingId, bool> wanted)
    {
        for (var i = 0; ; i++)
        {
            var dir = ring.NewDataDir($"liar-{i}");
            Directory.CreateDirectory(dir);
            if (wanted(NodeIdentity.LoadOrCreate(dir).Id)) return dir;
            Directory.Delete(dir, recursive: true);
        }
    }
}

/// <summary>
/// A storage layer that lies: for an insert it is root of, an acknowledgement that every replica stored it, with its
/// own genuine receipt (although it stores nothing), receipts of keys it minted (closer to the object than anyone) and
/// a receipt of a minted key carrying its own certificate; "held" with a receipt for every replica copy; "not held"
/// for every fetch. It forwards nothing to anyone.
/// </summary>
public sealed class LyingStorage : ReceiveActor
{
    private readonly ChunkAssembler _assembler = new(4 << 20, 64, TimeSpan.FromMinutes(1));
    private int _lies;

    /// <summary>A lying store speaking through <paramref name="overlay"/> with the node key <paramref name="key"/>.</summary>
    public LyingStorage(IActorRef overlay, Ed25519KeyPair key, byte[] certificate)
    {
        var minted = Enumerable.Range(0, 3).Select(i => Ed25519.FromSeed(Sha256.Hash([(byte)i, 0x66]))).ToList();
        Receive<HowManyLies>(_ => Sender.Tell(_lies));
        Receive<DirectDelivered>(d => d.Payload is ObjectChunk, d =>
        {
            if (_assembler.Accept(d.From.Address, (ObjectChunk)d.Payload, TimeSpan.Zero, out _) is not { } whole) return;
            var id = ObjectValidator.DecodeAndCheck(whole.Encoded, 4 << 20, out var value).IsAccepted ? value!.Id : RingId.Zero;
            var digest = Sha256.Hash(whole.Encoded);
            var own = StorageReceipt.Sign(key, whole.Op, id, digest, 86_400_000, certificate);
            if (whole.Purpose == TransferPurpose.Insert)
            {
                _lies++;
                StorageReceipt[] receipts = [own, .. minted.Select(k => StorageReceipt.Sign(k, whole.Op, id, digest, 86_400_000)),
                    StorageReceipt.Sign(minted[0], whole.Op, id, digest, 86_400_000, certificate)];
                overlay.Tell(new SendTo(d.From, new InsertAck(whole.Op, id, 4, 3, RefusalReason.None, "ok", receipts)));
            }
            else if (whole.Purpose == TransferPurpose.Replicate)
                overlay.Tell(new SendTo(d.From, new ReplicaAck(whole.Op, id, true, RefusalReason.None, "stored", own)));
        });
        Receive<DirectDelivered>(d => d.Payload is FetchRequest, d =>
        {
            var fetch = (FetchRequest)d.Payload;
            overlay.Tell(new SendTo(d.From, new FetchStatus(fetch.Op, fetch.Id, false, [])));
        });
        ReceiveAny(_ => { });
    }

    /// <summary>Asks how many inserts the liar acknowledged falsely.</summary>
    public sealed record HowManyLies
    {
        /// <summary>The one instance.</summary>
        public static readonly HowManyLies Instance = new();
    }
}
