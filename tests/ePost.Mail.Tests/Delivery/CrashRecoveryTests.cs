using Akka.Actor;
using ePost.Mail.Delivery;
using ePost.Mail.Spool;
using ePost.Mail.Tests.Fixtures;

namespace ePost.Mail.Tests.Delivery;

/// <summary>A node that stops (or crashes) with mail in the spool resumes from the spool's durable records.</summary>
public sealed class CrashRecoveryTests : DeliveryFixture
{
    private AiosmtpdServer? server;

    [Fact]
    public async Task A_new_agent_over_the_same_spool_directory_resumes_without_resending_to_finished_recipients()
    {
        server = await AiosmtpdServer.StartAsync(AiosmtpdServer.FreePort(), Path.Combine(Root, "received"));
        Ring.FailNext("bob@ring.test", new TimeoutException("ring busy"));
        var id = await SpoolAsync("alice@ring.test", ["friend@example.org", "bob@ring.test", "alice@ring.test"], Letter("alice@ring.test", "friend@example.org"));
        var first = StartAgent(Settings(server.Port));
        var report = ExpectReport(id);
        Assert.False(report.Completed);

        // The node goes away; a new process opens the spool directory afresh.
        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first);
        Spool = new FileSpool(Spool.Root);
        var progress = Spool.ReadProgress(id);
        Assert.True(progress.IsDone("friend@example.org"));
        Assert.True(progress.IsDone("alice@ring.test"));
        Assert.False(progress.IsDone("bob@ring.test"));

        StartAgent(Settings(server.Port));
        // The recorded retry time holds across the restart.
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Scheduler.Advance(report.RetryAt!.Value - Scheduler.Now);
        var resumed = ExpectReport(id);
        Assert.True(resumed.Completed);
        Assert.Equal(["bob@ring.test"], resumed.Outcomes.Select(o => o.Recipient));
        Assert.Single(server.Received());
        Assert.Single(Ring.FiledFor("alice@ring.test"));
        Assert.Single(Ring.FiledFor("bob@ring.test"));
        Assert.Single(Ring.Calls, c => c.Recipient == "alice@ring.test");
    }

    [Fact]
    public async Task Mail_spooled_by_an_earlier_process_is_delivered_when_the_agent_starts()
    {
        var earlier = new FileSpool(Path.Combine(Root, "spool"));
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
            ids.Add(await earlier.AcceptAsync(new Backend.SpoolEnvelope("alice@ring.test", ["bob@ring.test"], "alice", "127.0.0.1", Scheduler.Now),
                System.Text.Encoding.UTF8.GetBytes(Letter("alice@ring.test", "bob@ring.test", $"message {i}")), CancellationToken.None));
        Spool = new FileSpool(Path.Combine(Root, "spool"));
        StartAgent();

        foreach (var id in ids) Assert.True(ExpectReport(id).Completed);
        Assert.Equal(3, Ring.FiledFor("bob@ring.test").Count);
        Assert.Empty(Spool.ListPending());
    }

    [Fact]
    public async Task A_message_committed_while_the_agent_runs_is_delivered_without_waiting_for_a_scan()
    {
        StartAgent();
        // Let the agent subscribe before the message is committed: its start-up scan finds nothing.
        AwaitCondition(() => Spool.ListPending().Count == 0);
        var id = await SpoolAsync("alice@ring.test", ["bob@ring.test"], Letter("alice@ring.test", "bob@ring.test"));
        Assert.True(ExpectReport(id).Completed);
    }

    /// <inheritdoc />
    protected override void AfterAll()
    {
        server?.Dispose();
        base.AfterAll();
    }
}
