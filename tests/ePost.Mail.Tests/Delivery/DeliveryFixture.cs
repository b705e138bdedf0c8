using System.Text;
using Akka.Actor;
using Akka.TestKit;
using ePost.Mail.Backend;
using ePost.Mail.Delivery;
using ePost.Mail.Spool;
using ePost.Mail.Tests.Fixtures;
using MimeKit;

namespace ePost.Mail.Tests.Delivery;

/// <summary>
/// Test base for the delivery agent: an actor system on virtual time (retries fire only when a test advances it), a
/// real FileSpool in a temporary directory, the standard user directory (alice local, bob in the ring, *@ring.test
/// otherwise unknown, everything else foreign) and a recording POST delivery.
/// </summary>
public abstract class DeliveryFixture : Akka.TestKit.Xunit2.TestKit
{
    /// <summary>Real-time bound for an attempt (sockets, fsync) to report.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly List<DeliveryReport> held = [];

    /// <summary>Starts an actor system on virtual time and subscribes the test actor to delivery reports.</summary>
    protected DeliveryFixture(Xunit.Abstractions.ITestOutputHelper? output = null)
        : base("akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\"", output)
    {
        Root = Path.Combine(Path.GetTempPath(), "epost-delivery-" + Guid.NewGuid().ToString("N"));
        Spool = new FileSpool(Path.Combine(Root, "spool"));
        Sys.EventStream.Subscribe(TestActor, typeof(DeliveryReport));
    }

    /// <summary>The test's directory (deleted afterwards).</summary>
    protected string Root { get; }

    /// <summary>The spool the agent drains.</summary>
    protected FileSpool Spool { get; set; }

    /// <summary>alice@ring.test is local, bob@ring.test in the ring.</summary>
    protected InMemoryUserDirectory Directory { get; } = InMemoryUserDirectory.Standard();

    /// <summary>POST, recorded.</summary>
    protected RecordingRingDelivery Ring { get; } = new();

    /// <summary>The virtual-time scheduler.</summary>
    protected TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    /// <summary>Test settings: retry after 1 minute doubling up to 8, give up after 1 hour, relay at the given port without TLS.</summary>
    protected static DeliverySettings Settings(int relayPort = 25, string relayHost = "127.0.0.1") =>
        DeliverySettings.Default with
        {
            HostName = "node.ring.test",
            Relay = new RelaySettings(relayHost, relayPort, RelayTls.None, "", "", TimeSpan.FromSeconds(10)),
            FirstRetry = TimeSpan.FromMinutes(1),
            MaxRetry = TimeSpan.FromMinutes(8),
            GiveUpAfter = TimeSpan.FromHours(1),
        };

    /// <summary>Starts an agent over <see cref="Spool"/>.</summary>
    protected IActorRef StartAgent(DeliverySettings? settings = null) =>
        Sys.ActorOf(DeliveryAgent.Props(settings ?? Settings(), Spool, Directory, Ring));

    /// <summary>Accepts a message into the spool as SMTP would and returns its id.</summary>
    protected Task<string> SpoolAsync(string sender, string[] recipients, string text, string? user = "alice") =>
        Spool.AcceptAsync(new SpoolEnvelope(sender, recipients, user, "127.0.0.1", Scheduler.Now), Encoding.UTF8.GetBytes(text), CancellationToken.None);

    /// <summary>The next delivery report for the spooled message <paramref name="id"/>; reports about other messages are kept for later calls.</summary>
    protected DeliveryReport ExpectReport(string id)
    {
        var index = held.FindIndex(r => r.SpoolId == id);
        if (index >= 0)
        {
            var report = held[index];
            held.RemoveAt(index);
            return report;
        }
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var remaining = Patience - waited.Elapsed;
            Assert.True(remaining > TimeSpan.Zero, $"No delivery report for {id} within {Patience}.");
            var report = ExpectMsg<DeliveryReport>(remaining);
            if (report.SpoolId == id) return report;
            held.Add(report);
        }
    }

    /// <summary>A plain test message.</summary>
    protected static string Letter(string from, string to, string subject = "hello") =>
        $"From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: <{Guid.NewGuid():N}@ring.test>\r\n\r\nHi there.\r\n.dot line\r\n";

    /// <summary>Parses a bounce and returns its per-recipient status groups (field name to value).</summary>
    protected static (MimeMessage Message, IReadOnlyList<Dictionary<string, string>> Recipients) ParseBounce(byte[] bytes)
    {
        var message = MimeMessage.Load(new MemoryStream(bytes));
        var report = Assert.IsType<MultipartReport>(message.Body);
        Assert.Equal("delivery-status", report.ReportType);
        var status = Assert.Single(report.OfType<MessageDeliveryStatus>());
        var groups = status.StatusGroups.Skip(1).Where(g => g.Count > 0)
            .Select(g => g.ToDictionary(h => h.Field, h => h.Value.Trim(), StringComparer.OrdinalIgnoreCase)).ToList();
        return (message, groups);
    }

    /// <inheritdoc />
    protected override void AfterAll()
    {
        base.AfterAll();
        if (System.IO.Directory.Exists(Root)) System.IO.Directory.Delete(Root, recursive: true);
    }
}
