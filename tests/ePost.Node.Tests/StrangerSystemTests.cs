using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch.SysMsg;
using ePost.Core.Wire;
using ePost.Node.Hosting;
using ePost.Overlay.Node;
using ePost.Storage.Replication;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ePost.Node.Tests;

/// <summary>A ring of four mail nodes (alice on the first, bob on the second) that every stranger test attacks.</summary>
public sealed class StrangerRing : IAsyncLifetime
{
    /// <summary>The ring.</summary>
    public MailRing Mail { get; } = new();

    /// <summary>Alice's node.</summary>
    public NodeHost Alice { get; private set; } = null!;

    /// <summary>Bob's node: the one the strangers attack.</summary>
    public NodeHost Bob { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        Alice = await Mail.AddAsync(Mail.Issue("alice@ring.test"));
        Bob = await Mail.AddAsync(Mail.Issue("bob@ring.test"));
        await Mail.AddAsync();
        await Mail.AddAsync();
        await MailRing.ReadyAgentAsync(Alice, "alice@ring.test");
        await MailRing.ReadyAgentAsync(Bob, "bob@ring.test");
        await Eventually.True(async () => await MailRing.KnowsCertificateAsync(Alice, "bob@ring.test"),
            TimeSpan.FromSeconds(30), "bob's certificate was never published");
    }

    /// <inheritdoc />
    public async Task DisposeAsync() => await Mail.DisposeAsync();
}

/// <summary>
/// A hostile ActorSystem (plain Akka.Remote with a node certificate of the ring, none of our configuration) against a node: it resolves no actor
/// but the overlay, stops none, gets nothing handled, and the node keeps serving IMAP and delivering mail throughout.
/// </summary>
[Collection(HeavyTests.Name)]
public sealed class StrangerSystemTests(StrangerRing ring) : IClassFixture<StrangerRing>
{
    private const string Password = "secret";

    private static readonly string[] InnerPaths = ["/user/node/post", "/user/node/storage", "/user/node/glacier", "/user/node", "/user", "/system/remote-watcher", "/system"];

    /// <summary>
    /// The attacker: a certified member of the ring (so the mutual TLS and the peer handshake let it in) running plain
    /// Akka.Remote with none of our configuration but the transport (<see cref="RingTransport.MemberSetup"/>).
    /// Strangers without a certificate are refused before any byte is read (<see cref="RingTlsTests"/>), members without
    /// the peer handshake before Akka reads a byte (<see cref="PeerAuthTests"/>); this is what a member may still try.
    /// </summary>
    private ActorSystem Stranger()
    {
        var (credential, trust) = TestRingCa.Member(ring.Mail.Ca);
        var config = ConfigurationFactory.ParseString("""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0, enable-ssl = on }
            akka.loglevel = ERROR
            akka.stdout-loglevel = ERROR
            """);
        return ActorSystem.Create("stranger", RingTransport.MemberSetup(config, credential, trust));
    }

    private static IActorRef RefTo(ActorSystem stranger, NodeHost node, string path) =>
        ((ExtendedActorSystem)stranger).Provider.ResolveActorRef(node.Address + path);

    private static EntryPointActorRefProvider ProviderOf(NodeHost node) => (EntryPointActorRefProvider)((ExtendedActorSystem)node.System).Provider;

    private static Task<OverlayCounters> CountersOf(NodeHost node) => node.Overlay.Ask<OverlayCounters>(GetOverlayCounters.Instance, TimeSpan.FromSeconds(10));

    /// <summary>
    /// Messages from one system to another arrive in order over their one association, so once the overlay answers an
    /// actor selection's Identify, everything the stranger sent before has been dispatched by the node.
    /// </summary>
    private static Task<IActorRef> FlushAsync(ActorSystem stranger, NodeHost node) =>
        stranger.ActorSelection(node.Address + "/user/node/overlay").ResolveOne(TimeSpan.FromSeconds(20));

    private async Task<ImapClient> ImapAsync()
    {
        var client = new ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 10_000 };
        await client.ConnectAsync(ring.Bob.MailEndpoints!.Host, ring.Bob.MailEndpoints.Imap, SecureSocketOptions.StartTls);
        await client.AuthenticateAsync("bob@ring.test", Password);
        return client;
    }

    private async Task SendMailAsync(string subject)
    {
        using var smtp = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 10_000 };
        await smtp.ConnectAsync(ring.Alice.MailEndpoints!.Host, ring.Alice.MailEndpoints.Smtp, SecureSocketOptions.StartTls);
        await smtp.AuthenticateAsync("alice@ring.test", Password);
        await smtp.SendAsync(new MimeMessage([MailboxAddress.Parse("alice@ring.test")], [MailboxAddress.Parse("bob@ring.test")], subject,
            new TextPart("plain") { Text = "Still here." }));
        await smtp.DisconnectAsync(true);
    }

    private static Task ArrivesAsync(ImapClient imap, string subject) =>
        Eventually.True(async () =>
        {
            await imap.Inbox!.OpenAsync(FolderAccess.ReadOnly);
            return imap.Inbox!.Count > 0 && (await imap.Inbox!.FetchAsync(0, -1, MessageSummaryItems.Envelope)).Any(m => m.Envelope?.Subject == subject);
        }, TimeSpan.FromSeconds(30), $"'{subject}' never reached bob's INBOX");

    [Fact]
    public async Task A_stranger_resolves_no_actor_but_the_overlay()
    {
        var stranger = Stranger();
        try
        {
            var attempts = InnerPaths.Select(async path =>
            {
                try
                {
                    await stranger.ActorSelection(ring.Bob.Address + path).ResolveOne(TimeSpan.FromSeconds(3));
                    return path;
                }
                catch (ActorNotFoundException)
                {
                    return null;
                }
            });
            Assert.Empty((await Task.WhenAll(attempts)).OfType<string>());
            // The entry point itself answers, so the selections above did reach the node and were refused there.
            Assert.Equal(ring.Bob.Overlay.Path.ToStringWithoutAddress(), (await FlushAsync(stranger, ring.Bob)).Path.ToStringWithoutAddress());
        }
        finally { await stranger.Terminate(); }
    }

    [Fact]
    public async Task PoisonPill_Kill_and_system_messages_from_a_stranger_stop_nothing_and_the_node_still_serves_imap_and_delivers_mail()
    {
        var node = ring.Bob;
        var layers = new[] { node.Overlay, node.Storage, node.Glacier, node.Mail!.PostOffice, node.Mail.Agents["bob@ring.test"] };
        var statusBefore = await node.StatusAsync();
        var countersBefore = await CountersOf(node);
        var refusedBefore = ProviderOf(node).Refused;
        var stranger = Stranger();
        try
        {
            // The node guardian and the root guardian too: a Kill to either would stop everything below it.
            var paths = layers.Select(l => l.Path.ToStringWithoutAddress()).Append("/user/node").Append("/").ToList();
            foreach (var path in paths)
            {
                var target = RefTo(stranger, node, path);
                target.Tell(PoisonPill.Instance);
                target.Tell(Kill.Instance);
                ((IInternalActorRef)target).SendSystemMessage(new Suspend());
                ((IInternalActorRef)target).SendSystemMessage(new Terminate());
                // The same through actor selections, which arrive at the root guardian.
                stranger.ActorSelection(node.Address + path).Tell(PoisonPill.Instance);
                stranger.ActorSelection(node.Address + path).Tell(Kill.Instance);
            }
            await FlushAsync(stranger, node);

            // Kill and Suspend sent to a ref are counted where they arrive (PoisonPill and Terminate untrusted mode drops earlier).
            await Eventually.True(() => Task.FromResult(ProviderOf(node).Refused >= refusedBefore + 2 * paths.Count), TimeSpan.FromSeconds(10),
                "not every Kill and Suspend reached the node", () => Task.FromResult($"refused {ProviderOf(node).Refused - refusedBefore}"));
            foreach (var layer in layers)
            {
                var identity = await layer.Ask<ActorIdentity>(new Identify(layer.Path.Name), TimeSpan.FromSeconds(10));
                Assert.True(identity.Subject is not null, $"{layer.Path} was stopped");
            }
            // The overlay was neither stopped nor restarted (a restart would forget its ring and zero its counters).
            var statusAfter = await node.StatusAsync();
            Assert.True(statusAfter.Ready);
            Assert.Equal(statusBefore.Self, statusAfter.Self);
            Assert.True((await CountersOf(node)).Received >= countersBefore.Received);

            using var imap = await ImapAsync();
            await imap.Inbox!.OpenAsync(FolderAccess.ReadWrite);
            await SendMailAsync("after the poison");
            await ArrivesAsync(imap, "after the poison");
            await imap.DisconnectAsync(true);
        }
        finally { await stranger.Terminate(); }
    }

    [Fact]
    public async Task Messages_written_with_akkas_json_serializer_are_refused_and_none_is_handled()
    {
        var node = ring.Bob;
        var refusing = RefusingJsonSerializer.Of(node.System) ?? throw new InvalidOperationException("Akka's JSON serializer is still bound");
        var refusedBefore = refusing.Refused;
        var countersBefore = await CountersOf(node);
        var stranger = Stranger();
        try
        {
            // Without our serializers the stranger writes these records with Newtonsoft.Json under id 1, as an
            // attacker would to reach Newtonsoft's type handling. Read as intended, each would be answered.
            var replies = stranger.ActorOf(Props.Create(() => new ReplyCounter()));
            var overlay = RefTo(stranger, node, "/user/node/overlay");
            for (var i = 0; i < 20; i++)
            {
                overlay.Tell(GetNodeStatus.Instance, replies);
                overlay.Tell(new ClientRequest(ClientListHeld.Instance), replies);
                stranger.ActorSelection(node.Address + "/user/node/overlay").Tell(GetNodeStatus.Instance, replies);
            }
            await FlushAsync(stranger, node);

            Assert.Equal(refusedBefore + 60, refusing.Refused);
            var countersAfter = await CountersOf(node);
            Assert.Equal(countersBefore.ClientRequests, countersAfter.ClientRequests);
            // The node answers in order too: a status reply would have come before the flush's identity.
            await FlushAsync(stranger, node);
            Assert.Equal(0, await replies.Ask<int>(ReplyCounter.Count, TimeSpan.FromSeconds(10)));
        }
        finally { await stranger.Terminate(); }
    }

    [Fact]
    public async Task During_ten_thousand_junk_messages_the_node_keeps_serving_imap_and_delivering_mail()
    {
        var node = ring.Bob;
        var refusing = RefusingJsonSerializer.Of(node.System)!;
        long Refused(OverlayCounters c) => refusing.Refused + ProviderOf(node).Refused + c.Refused;
        var countersBefore = await CountersOf(node);
        var refusedBefore = Refused(countersBefore);
        using var imap = await ImapAsync();
        using var busy = await ImapAsync();
        await busy.Inbox!.OpenAsync(FolderAccess.ReadWrite);
        var stranger = Stranger();
        using var stop = new CancellationTokenSource();
        var rounds = 0;
        // A mail client that keeps working the whole time: every command must be answered (MailKit times out at 10 s).
        var client = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await busy.NoOpAsync();
                await busy.Inbox!.OpenAsync(FolderAccess.ReadOnly);
                rounds++;
            }
        });
        try
        {
            var replies = stranger.ActorOf(Props.Create(() => new ReplyCounter()));
            var overlay = RefTo(stranger, node, "/user/node/overlay");
            var post = RefTo(stranger, node, "/user/node/post");
            var storage = RefTo(stranger, node, "/user/node/storage");
            var sent = Task.Run(() =>
            {
                for (var i = 0; i < 10_000; i++)
                    switch (i % 5)
                    {
                        case 0: overlay.Tell("junk " + i, replies); break;
                        case 1: overlay.Tell(GetNodeStatus.Instance, replies); break;
                        case 2: post.Tell("junk " + i, replies); break;
                        case 3: storage.Tell(new byte[64], replies); break;
                        default: post.Tell(Kill.Instance, replies); break;
                    }
            });
            await SendMailAsync("through the flood");
            await sent;
            await FlushAsync(stranger, node);
            await ArrivesAsync(imap, "through the flood");

            var countersAfter = await CountersOf(node);
            Assert.Equal(refusedBefore + 10_000, Refused(countersAfter));
            Assert.Equal(countersBefore.ClientRequests, countersAfter.ClientRequests);
            Assert.Equal(0, await replies.Ask<int>(ReplyCounter.Count, TimeSpan.FromSeconds(10)));
            Assert.True((await node.StatusAsync()).Ready);
        }
        finally
        {
            await stop.CancelAsync();
            await client;
            await stranger.Terminate();
        }
        Assert.True(rounds > 0);
        await busy.DisconnectAsync(true);
        await imap.DisconnectAsync(true);
    }

    /// <summary>Counts every reply the node sends the stranger.</summary>
    private sealed class ReplyCounter : ReceiveActor
    {
        public static readonly object Count = "count";

        public ReplyCounter()
        {
            var replies = 0;
            Receive<string>(m => ReferenceEquals(m, Count), _ => Sender.Tell(replies));
            ReceiveAny(_ => replies++);
        }
    }
}
