using System.Diagnostics;
using Akka.Actor;
using Akka.Remote.Transport;
using ePost.Node.Hosting;
using ePost.Post.Access;
using ePost.Post.Identity;
using ePost.Post.Mailbox;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using MimeKit;
using Xunit.Abstractions;
using MailUser = ePost.Mail.Backend.MailUser;

namespace ePost.Node.Tests;

/// <summary>
/// Two devices of bob (two nodes loaded with his key, over Akka.Remote, with real IMAP clients): a change on one
/// reaches the other through the signed log hint, not the periodic head check, and after a partition both agree.
/// </summary>
[Collection(HeavyTests.Name)]
public sealed class DeviceConvergenceTests(ITestOutputHelper output)
{
    /// <summary>Neither the periodic head check nor a collection round can explain a change seen within the tests' 10 s limits.</summary>
    private const string SlowFallbacks = "epost.post { head-check-interval = 10m, collect-interval = 10m }";

    private const string Throttled = "akka.remote.dot-netty.tcp.applied-adapters = [trttl]";
    private const string Bob = "bob@ring.test";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Mail_and_a_flag_on_one_of_bobs_devices_reach_the_other_and_its_idle_long_before_the_head_check()
    {
        await using var mail = new MailRing { Extra = SlowFallbacks };
        var alice = mail.Issue("alice@ring.test");
        var bob = mail.Issue(Bob);
        var aliceNode = await mail.AddAsync(alice);
        var (desktop, laptop) = await BobsDevicesAsync(mail, bob, plainNodes: 1);
        await Eventually.True(async () => await MailRing.KnowsCertificateAsync(aliceNode, Bob), TimeSpan.FromSeconds(30), "bob's certificate was never published");

        using var laptopImap = await ImapAsync(laptop);
        var clock = new Stopwatch();
        var heard = new Heard(laptopImap.Inbox, clock);
        await laptopImap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        using var stopIdle = new CancellationTokenSource();
        var idle = laptopImap.IdleAsync(stopIdle.Token);

        clock.Start();
        await aliceNode.Mail!.Delivery.DeliverAsync("d-1", "alice@ring.test", Bob, Bytes(Letter("From alice")), CancellationToken.None);
        TimeSpan? onDesktop = null, onLaptop = null;
        await Eventually.True(async () =>
        {
            onDesktop ??= (await MailRing.InboxAsync(desktop, Bob)).Messages.Count > 0 ? clock.Elapsed : null;
            onLaptop ??= (await MailRing.InboxAsync(laptop, Bob)).Messages.Count > 0 ? clock.Elapsed : null;
            return onDesktop is not null && onLaptop is not null;
        }, Limit, "alice's mail did not reach both of bob's devices");
        var exists = await heard.Exists.Task.WaitAsync(Limit);

        using var desktopImap = await ImapAsync(desktop);
        await desktopImap.Inbox.OpenAsync(FolderAccess.ReadWrite);
        var flagged = clock.Elapsed;
        await desktopImap.Inbox.AddFlagsAsync(0, MessageFlags.Flagged, silent: true);
        var flagHeard = await heard.Flagged.Task.WaitAsync(Limit);
        output.WriteLine($"filed on desktop {onDesktop!.Value.TotalMilliseconds:F0} ms, laptop {onLaptop!.Value.TotalMilliseconds:F0} ms " +
                         $"(apart {Math.Abs((onDesktop - onLaptop).Value.TotalMilliseconds):F0} ms); laptop IDLE EXISTS at {exists.TotalMilliseconds:F0} ms; " +
                         $"flag set on the desktop heard by the laptop's IDLE after {(flagHeard - flagged).TotalMilliseconds:F0} ms");
        await stopIdle.CancelAsync();
        await idle;

        // Filed once, whichever device collected it (both may have, and merged by delivery id); the laptop learned
        // of the flag by the desktop's hint.
        Assert.Single((await MailRing.InboxAsync(desktop, Bob)).Messages);
        Assert.Single((await MailRing.InboxAsync(laptop, Bob)).Messages);
        Assert.True((await StatusAsync(desktop)).HintsSent >= 1, "the desktop never hinted the laptop");
        Assert.True((await StatusAsync(laptop)).HintsHeeded >= 1, "the laptop never acted on a hint of the desktop's");
        await desktopImap.DisconnectAsync(true);
        await laptopImap.DisconnectAsync(true);
    }

    [Fact]
    public async Task Bob_moves_and_expunges_on_one_device_while_the_other_is_cut_off_and_after_healing_both_agree_and_no_mail_is_lost()
    {
        await using var mail = new MailRing { Extra = Throttled };
        var (desktop, laptop) = await BobsDevicesAsync(mail, mail.Issue(Bob), plainNodes: 3);
        using var desktopImap = await ImapAsync(desktop);
        var archive = await desktopImap.GetFolder(desktopImap.PersonalNamespaces[0]).CreateAsync("Archive", true) ?? throw new InvalidOperationException("no Archive");
        var inbox = desktopImap.Inbox;
        foreach (var name in new[] { "m0", "m1", "m2" }) await inbox.AppendAsync(Letter(name));
        await Eventually.True(async () => await Names(laptop, "INBOX") == "m0 m1 m2" && await Names(laptop, "Archive") == "", Limit,
            "the laptop never saw the desktop's mail");
        var uidValidity = (await MailRing.InboxAsync(laptop, Bob)).UidValidity;

        var sideA = mail.Ring.Nodes.Where(n => n != laptop).ToList();
        await PartitionHealingTests.SetLinks(sideA, [laptop], Blackhole.Instance);
        // The desktop moves m1 away, expunges m2 and files m3; the laptop, cut off, marks m0 as read.
        await inbox.OpenAsync(FolderAccess.ReadWrite);
        var uids = await inbox.SearchAsync(SearchQuery.All);
        await inbox.MoveToAsync(uids[1], archive);
        await inbox.AddFlagsAsync(uids[2], MessageFlags.Deleted, silent: true);
        await inbox.ExpungeAsync();
        await inbox.AppendAsync(Letter("m3"));
        using (var laptopImap = await ImapAsync(laptop))
        {
            await laptopImap.Inbox.OpenAsync(FolderAccess.ReadWrite);
            await laptopImap.Inbox.AddFlagsAsync(0, MessageFlags.Seen, silent: true);
            await laptopImap.DisconnectAsync(true);
        }
        await MailRing.SyncedAsync(desktop.Mail!.Agents[Bob], "the desktop's side never took its changes");

        var healed = Stopwatch.StartNew();
        await PartitionHealingTests.SetLinks(sideA, [laptop], Unthrottled.Instance);
        await Eventually.True(async () =>
        {
            var a = await Describe(desktop);
            return a == await Describe(laptop) && a.StartsWith("m0\\Seen m3 | m1", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(60), "bob's devices never agreed after the partition",
            async () => $"desktop: {await Describe(desktop)}\nlaptop: {await Describe(laptop)}");
        output.WriteLine($"both devices agreed {healed.Elapsed.TotalMilliseconds:F0} ms after the partition healed");

        // No UID a client of either device holds was given to other mail: the folder kept its UIDVALIDITY.
        foreach (var device in new[] { desktop, laptop })
        {
            var state = await MailRing.InboxAsync(device, Bob);
            Assert.Equal(uidValidity, state.UidValidity);
            Assert.Equal(state.Messages.Count, state.Messages.Select(m => m.Uid).Distinct().Count());
        }
        // A client of the laptop sees the same: m0 (read) and m3 in INBOX, m1 in Archive.
        using var laptopClient = await ImapAsync(laptop);
        await laptopClient.Inbox.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(uidValidity, laptopClient.Inbox.UidValidity);
        Assert.Equal(["m0", "m3"], (await laptopClient.Inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope)).Select(m => m.Envelope?.Subject));
        var laptopArchive = await laptopClient.GetFolderAsync("Archive");
        await laptopArchive.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(1, laptopArchive.Count);
        await laptopClient.DisconnectAsync(true);
        await desktopImap.DisconnectAsync(true);
    }

    /// <summary>bob's desktop (with <paramref name="plainNodes"/> more nodes), then, once the mailbox is in the ring, his laptop; both listed in his presence.</summary>
    private static async Task<(NodeHost Desktop, NodeHost Laptop)> BobsDevicesAsync(MailRing mail, Core.Crypto.UserKeys bob, int plainNodes)
    {
        var desktop = await mail.AddAsync(bob);
        for (var i = 0; i < plainNodes; i++) await mail.AddAsync();
        await MailRing.SyncedAsync(await MailRing.ReadyAgentAsync(desktop, Bob), "the desktop's mailbox never reached the ring");
        var laptop = await mail.AddAsync(bob);
        await MailRing.ReadyAgentAsync(laptop, Bob);
        await Eventually.True(async () => (await PresenceAsync(desktop, bob)).Count == 2, TimeSpan.FromSeconds(30), "bob's presence never listed both devices");
        return (desktop, laptop);
    }

    private static async Task<IReadOnlyList<Overlay.NodeHandle>> PresenceAsync(NodeHost node, Core.Crypto.UserKeys user)
    {
        try
        {
            return Presence.Read(await node.Mail!.Services.Ring.LookupAsync(Presence.IdOf(user.Signing.PublicKey), newest: true), user.Signing.PublicKey);
        }
        catch (Post.Ring.RingException)
        {
            return [];
        }
    }

    private static Task<AgentStatus> StatusAsync(NodeHost node) => node.Mail!.Agents[Bob].Ask<AgentStatus>(GetAgentStatus.Instance, TimeSpan.FromSeconds(10));

    private static async Task<ImapClient> ImapAsync(NodeHost node)
    {
        var client = new ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync(node.MailEndpoints!.Host, node.MailEndpoints.Imap, SecureSocketOptions.StartTls);
        await client.AuthenticateAsync(Bob, "secret");
        return client;
    }

    private static MimeMessage Letter(string subject) =>
        new([MailboxAddress.Parse("alice@ring.test")], [MailboxAddress.Parse(Bob)], subject, new TextPart("plain") { Text = subject });

    /// <summary>INBOX and Archive as "subject\flags ... | subject ...", in UID order.</summary>
    private static async Task<string> Describe(NodeHost node) => await Names(node, "INBOX", withFlags: true) + " | " + await Names(node, "Archive");

    private static async Task<string> Names(NodeHost node, string folder, bool withFlags = false)
    {
        var user = new MailUser(Bob, Bob);
        try
        {
            var state = await node.Mail!.Store.ReadFolderAsync(user, folder, CancellationToken.None);
            var names = new List<string>();
            foreach (var message in state.Messages)
            {
                var parsed = MimeMessage.Load(new MemoryStream((await node.Mail.Store.ReadMessageAsync(user, folder, message.Uid, CancellationToken.None))!));
                names.Add(parsed.Subject + (withFlags ? string.Concat(message.Flags.Order(StringComparer.Ordinal)) : ""));
            }
            return string.Join(' ', names);
        }
        catch (Mail.Backend.MailStoreException)
        {
            return "?";
        }
    }

    private static byte[] Bytes(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        return stream.ToArray();
    }

    /// <summary>When (on the test's clock) an IDLE on INBOX heard a new message, and the \Flagged flag.</summary>
    private sealed class Heard
    {
        public Heard(IMailFolder inbox, Stopwatch clock)
        {
            inbox.CountChanged += (_, _) => { if (inbox.Count > 0) Exists.TrySetResult(clock.Elapsed); };
            inbox.MessageFlagsChanged += (_, e) => { if (e.Flags.HasFlag(MessageFlags.Flagged)) Flagged.TrySetResult(clock.Elapsed); };
        }

        public TaskCompletionSource<TimeSpan> Exists { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<TimeSpan> Flagged { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
