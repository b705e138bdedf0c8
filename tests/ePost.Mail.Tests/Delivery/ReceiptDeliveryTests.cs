using System.Text;
using ePost.Mail.Backend;
using ePost.Mail.Delivery;
using ePost.Mail.Dsn;
using ePost.Mail.Tests.Fixtures;

namespace ePost.Mail.Tests.Delivery;

/// <summary>NOTIFY honoured by the delivery agent, and what it does with receipts POST has verified.</summary>
public sealed class ReceiptDeliveryTests : DeliveryFixture
{
    private static readonly MailUser Alice = new("alice", "alice@ring.test");
    private readonly InMemoryMailStore store = new();

    private Task<string> SpoolWithDsnAsync(string[] recipients, DsnNotify notify, string text) =>
        Spool.AcceptAsync(new SpoolEnvelope("alice@ring.test", recipients, "alice", "127.0.0.1", Scheduler.Now)
        {
            EnvelopeId = "env-7",
            RecipientDsn = recipients.ToDictionary(r => r, _ => new RecipientDsn(notify, null)),
        }, Encoding.UTF8.GetBytes(text), CancellationToken.None);

    private const string Sent = "Subject: did it arrive\r\nMessage-ID: <sent-1@ring.test>\r\n\r\nHello.\r\n";

    [Theory]
    [InlineData(DsnNotify.Never)]
    [InlineData(DsnNotify.Success)]
    [InlineData(DsnNotify.Delay)]
    public async Task A_recipient_that_did_not_ask_for_failure_reports_is_not_bounced(DsnNotify notify)
    {
        var id = await SpoolWithDsnAsync(["nobody@ring.test"], notify, Letter("alice@ring.test", "nobody@ring.test"));
        StartAgent();
        var report = ExpectReport(id);
        Assert.True(report.Completed);
        Assert.Equal(DeliveryResult.Permanent, Assert.Single(report.Outcomes).Result);
        Assert.Null(report.BounceId);
        Assert.Empty(Ring.FiledFor("alice@ring.test"));
    }

    [Fact]
    public async Task A_verified_receipt_spools_one_success_report_and_marks_the_sent_copy_delivered()
    {
        store.AddSpecialFolder(Alice, "Sent", "\\Sent");
        var sentUid = store.Deliver(Alice, "Sent", Sent, "\\Seen").Uid;
        var id = await SpoolWithDsnAsync(["bob@ring.test"], DsnNotify.Success | DsnNotify.Failure, Sent);
        Sys.ActorOf(DeliveryAgent.Props(Settings(), Spool, Directory, Ring, store));
        Assert.True(ExpectReport(id).Completed);
        var deliveryId = DeliveryAttempt.DeliveryId(id, "bob@ring.test");
        Assert.Empty(Ring.FiledFor("alice@ring.test"));

        // POST tells it twice (a receipt seen in two collection rounds): one report, one keyword.
        var filed = new DateTimeOffset(2026, 12, 4, 1, 2, 3, TimeSpan.Zero); // whole seconds: RFC 5322 dates carry no more
        for (var i = 0; i < 2; i++)
        {
            Sys.EventStream.Publish(new DeliveryConfirmed("alice@ring.test", deliveryId, "bob@ring.test", filed, TestActor, i));
            // The report's own delivery reports come to the test actor as well.
            var token = i;
            FishForMessage(m => m is DeliveryConfirmationTaken taken && Equals(taken.Token, token), Patience);
        }
        AwaitCondition(() => Ring.FiledFor("alice@ring.test").Count == 1, Patience, "the success report never reached alice");
        var (dsn, recipients) = ParseBounce(Ring.FiledFor("alice@ring.test")[0].Message);
        Assert.Equal("Successful Mail Delivery Report", dsn.Subject);
        var group = Assert.Single(recipients);
        Assert.Equal("delivered", group["Action"]);
        Assert.Equal(filed, MimeKit.Utils.DateUtils.TryParse(group["Last-Attempt-Date"], out var date) ? date : default);
        var sent = await store.ReadFolderAsync(Alice, "Sent", CancellationToken.None);
        Assert.Contains(ReceiptDesk.DeliveredKeyword, sent.Messages.Single(m => m.Uid == sentUid).Flags);
        Assert.Single(Ring.FiledFor("alice@ring.test"));
    }

    [Fact]
    public async Task A_receipt_from_someone_the_delivery_did_not_go_to_confirms_nothing()
    {
        store.AddSpecialFolder(Alice, "Sent", "\\Sent");
        store.Deliver(Alice, "Sent", Sent);
        var id = await SpoolWithDsnAsync(["bob@ring.test"], DsnNotify.Success, Sent);
        Sys.ActorOf(DeliveryAgent.Props(Settings(), Spool, Directory, Ring, store));
        Assert.True(ExpectReport(id).Completed);
        var deliveryId = DeliveryAttempt.DeliveryId(id, "bob@ring.test");

        // Carol's certified key signed it (POST checked that much), but the delivery went to bob; and a stranger's id.
        Sys.EventStream.Publish(new DeliveryConfirmed("alice@ring.test", deliveryId, "carol@ring.test", Scheduler.Now, TestActor, "carol"));
        Sys.EventStream.Publish(new DeliveryConfirmed("alice@ring.test", new string('0', 64), "bob@ring.test", Scheduler.Now, TestActor, "unknown"));
        Sys.EventStream.Publish(new DeliveryConfirmed("alice@ring.test", "../../etc/passwd", "bob@ring.test", Scheduler.Now, TestActor, "path"));
        ExpectMsgAllOf(Patience, new DeliveryConfirmationTaken("carol"), new DeliveryConfirmationTaken("unknown"), new DeliveryConfirmationTaken("path"));

        Assert.Empty(Ring.FiledFor("alice@ring.test"));
        Assert.DoesNotContain((await store.ReadFolderAsync(Alice, "Sent", CancellationToken.None)).Messages, m => m.Flags.Contains(ReceiptDesk.DeliveredKeyword));
        Assert.NotNull(new ReceiptBook(Spool.Root).Find(deliveryId));
    }
}
