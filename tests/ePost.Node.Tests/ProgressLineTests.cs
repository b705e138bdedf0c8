using Akka.Actor;
using ePost.Node.Cli;
using ePost.Post.Mailbox;

namespace ePost.Node.Tests;

/// <summary>The progress line of long commands: what it says, and that it says nothing where output is not a terminal.</summary>
public sealed class ProgressLineTests
{
    [Fact]
    public void With_a_known_total_it_gives_the_counts_the_share_and_an_estimate_of_what_is_left()
    {
        var text = ProgressLine.Format("recovering", 25, 100, "blocks", TimeSpan.FromSeconds(10));

        Assert.Equal("recovering: 25 of 100 blocks (25%), 10 s, about 30 s left", text);
    }

    [Fact]
    public void Long_estimates_are_in_minutes_and_hours_and_a_finished_or_unknown_total_has_none()
    {
        Assert.EndsWith("about 10 min left", ProgressLine.Format("sim", 1, 11, "runs", TimeSpan.FromMinutes(1)));
        Assert.EndsWith("about 2.0 h left", ProgressLine.Format("sim", 1, 3, "runs", TimeSpan.FromHours(1)));
        Assert.Equal("bench: 7 of 7 runs (100%), 3 s", ProgressLine.Format("bench", 7, 7, "runs", TimeSpan.FromSeconds(3)));
        Assert.Equal("waiting: 4 answers, 2 s", ProgressLine.Format("waiting", 4, null, "answers", TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void It_redraws_one_line_in_place_and_clears_it_at_the_end()
    {
        var output = new StringWriter();
        using (var line = new ProgressLine("starting", 2, "nodes", output))
        {
            line.Report(1);
            line.Report(2);
        }

        var text = output.ToString();
        Assert.DoesNotContain('\n', text);
        Assert.Contains("\rstarting: 1 of 2 nodes (50%)", text);
        Assert.Contains("\rstarting: 2 of 2 nodes (100%)", text);
        Assert.EndsWith("\r", text);
    }

    [Fact]
    public void Where_standard_error_is_not_a_terminal_it_is_quiet()
    {
        // Under the test runner standard error is redirected, as it is for scripts and logs.
        Assert.True(Console.IsErrorRedirected);
        var before = Console.Error;
        var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            using var line = new ProgressLine("starting", 2, "nodes");
            line.Report(1);
        }
        finally
        {
            Console.SetError(before);
        }
        Assert.Equal("", captured.ToString());
    }

    [Fact]
    public void Reports_from_many_threads_at_once_draw_whole_lines()
    {
        var output = new StringWriter();
        using (var line = new ProgressLine("sending", 1000, "messages", output))
            Parallel.For(1, 1001, i => line.Report(i));

        var drawings = output.ToString().Split('\r', StringSplitOptions.RemoveEmptyEntries).Select(d => d.TrimEnd()).Where(d => d.Length > 0).ToList();
        Assert.NotEmpty(drawings);
        Assert.All(drawings, d => Assert.Matches(@"^sending: \d+ of 1000 messages \(\d+%\), \d+ s(, about .+ left)?$", d));
        Assert.Contains("sending: 1000 of 1000 messages (100%)", drawings.Select(d => d[..Math.Min(d.Length, 37)]));
    }

    [Fact]
    public async Task Waiting_for_a_mailbox_draws_each_phase_of_its_loading_and_returns_once_it_is_ready()
    {
        static AgentStatus Loading(string phase, long done, long? total, long entries) => new(false, 0, 0, 0, 0, 0, 0, Loading: new MailboxLoad(phase, done, total, entries));
        using var system = ActorSystem.Create("progress", "akka.loglevel = OFF");
        var script = new Queue<AgentStatus>([
            Loading("restoring the archive", 0, 2, 0), Loading("reading the mailbox list", 0, null, 12), Loading("reading folders", 3, 5, 140),
            new AgentStatus(true, 0, 0, 0, 0, 0, 0)]);
        var agent = system.ActorOf(Props.Create(() => new ScriptedAgent(script)));
        var output = new StringWriter();

        var statuses = await MailboxLoadProgress.WaitAsync(new Dictionary<string, IActorRef> { ["bob@ring.test"] = agent }, output, CancellationToken.None);

        Assert.True(statuses["bob@ring.test"].Ready);
        var text = output.ToString();
        Assert.Contains("\rbob@ring.test: restoring the archive: 0 of 2 steps (0%)", text);
        Assert.Contains("\rbob@ring.test: reading the mailbox list: 12 log entries", text);
        Assert.Contains("\rbob@ring.test: reading folders: 3 of 5 steps (60%)", text);
        Assert.DoesNotContain('\n', text);
    }

    /// <summary>Answers status requests with the statuses given, in order, then the last one for ever.</summary>
    private sealed class ScriptedAgent : ReceiveActor
    {
        public ScriptedAgent(Queue<AgentStatus> script)
        {
            var last = script.Peek();
            Receive<GetAgentStatus>(_ => Sender.Tell(last = script.Count > 0 ? script.Dequeue() : last));
        }
    }
}
