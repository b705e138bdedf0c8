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
    public async Task A_node_killed_as_its_bounce_became_durable_neither_relays_twice_nor_loses_the_bounce()
    {
        server = await AiosmtpdServer.StartAsync(AiosmtpdServer.FreePort(), Path.Combine(Root, "received"));
        var snapshot = Path.Combine(Root, "snapshot");
        // The spool directory exactly as it is when the bounce is committed: what a node killed at that instant finds.
        Spool.Committed += committed =>
        {
            if (committed.Envelope.Sender.Length == 0 && !System.IO.Directory.Exists(snapshot)) CopyDirectory(Spool.Root, snapshot);
        };
        var id = await SpoolAsync("alice@ring.test", ["friend@example.org", "nobody@ring.test"], Letter("alice@ring.test", "friend@example.org"));
        var first = StartAgent(Settings(server.Port));
        var report = ExpectReport(id);
        Assert.True(report.Completed);
        Assert.True(ExpectReport(report.BounceId!).Completed);
        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first);

        Spool = new FileSpool(snapshot);
        var progress = Spool.ReadProgress(id);
        Assert.True(progress.IsDone("friend@example.org"));  // the relay's 250 was recorded before anything else
        Assert.False(progress.IsDone("nobody@ring.test")); // the failure only after its bounce is durable
        Assert.Equal(2, Spool.ListPending().Count);         // the message and its bounce

        StartAgent(Settings(server.Port));
        var resumed = ExpectReport(id);
        Assert.True(resumed.Completed);
        Assert.Equal(["nobody@ring.test"], resumed.Outcomes.Select(o => o.Recipient));
        ExpectReport(resumed.BounceId!);
        Assert.Single(server.Received());
        // The bounce spooled before the kill, filed once under its delivery id, and the one made again after it: the
        // documented price of never losing a bounce is a possible second one.
        Assert.Equal(2, Ring.FiledFor("alice@ring.test").Count);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var directory in System.IO.Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            System.IO.Directory.CreateDirectory(directory.Replace(from, to));
        System.IO.Directory.CreateDirectory(to);
        foreach (var file in System.IO.Directory.GetFiles(from, "*", SearchOption.AllDirectories)) File.Copy(file, file.Replace(from, to));
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
        var agent = StartAgent();
        // An answer to Identify means PreStart has run: the start-up scan found nothing, and the periodic scan does not
        // fire because virtual time stands still. Only the spool's Committed event can start this delivery.
        await agent.Ask<ActorIdentity>(new Identify(null), Patience);
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
