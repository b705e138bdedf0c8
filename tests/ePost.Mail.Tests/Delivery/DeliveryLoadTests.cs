using System.Diagnostics;
using System.Globalization;
using ePost.Mail.Tests.Fixtures;
using Xunit.Abstractions;

namespace ePost.Mail.Tests.Delivery;

/// <summary>
/// Many messages at once through the agent's concurrent attempts: each recipient gets exactly one copy. Prints the
/// rates it saw (docs/performance.md quotes them); nothing here asserts on time.
/// </summary>
public sealed class DeliveryLoadTests(ITestOutputHelper output) : DeliveryFixture(output)
{
    private const int Messages = 100;
    private AiosmtpdServer? server;

    [Fact]
    public async Task A_hundred_messages_to_ring_and_outside_recipients_each_arrive_exactly_once()
    {
        server = await AiosmtpdServer.StartAsync(AiosmtpdServer.FreePort(), Path.Combine(Root, "received"));
        var spooling = Stopwatch.StartNew();
        var ids = new HashSet<string>();
        for (var i = 0; i < Messages; i++)
        {
            var friend = $"friend{i}@example.org";
            ids.Add(await SpoolAsync("alice@ring.test", ["bob@ring.test", friend], Letter("alice@ring.test", friend, $"message {i}")));
        }
        spooling.Stop();

        var delivering = Stopwatch.StartNew();
        StartAgent(Settings(server.Port));
        var pending = new HashSet<string>(ids);
        while (pending.Count > 0)
        {
            var report = ExpectMsg<ePost.Mail.Delivery.DeliveryReport>(Patience);
            Assert.True(report.Completed, string.Join("; ", report.Outcomes.Select(o => o.Reply)));
            Assert.True(pending.Remove(report.SpoolId), $"A second report for {report.SpoolId}");
        }
        delivering.Stop();

        var received = server.Received();
        Assert.Equal(Enumerable.Range(0, Messages).Select(i => $"friend{i}@example.org").Order(), received.SelectMany(m => m.To).Order());
        Assert.Equal(Messages, Ring.FiledFor("bob@ring.test").Count);
        Assert.Empty(Spool.ListPending());
        Output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"spooled {Messages} messages in {spooling.Elapsed.TotalSeconds:F2} s ({Messages / spooling.Elapsed.TotalSeconds:F0}/s, one at a time); "
            + $"delivered them (1 POST + 1 relay recipient each, 4 at a time) in {delivering.Elapsed.TotalSeconds:F2} s ({Messages / delivering.Elapsed.TotalSeconds:F0} messages/s)"));
    }

    /// <inheritdoc />
    protected override void AfterAll()
    {
        server?.Dispose();
        base.AfterAll();
    }
}
