using Akka.Actor;
using ePost.Post.Mailbox;

namespace ePost.Node.Cli;

/// <summary>
/// Waits for a node's user agents to load their mailboxes, drawing a progress line of the slowest one's phase (its
/// steps, log entries read, and an estimate when the phase's size is known). Quiet when output is not a terminal.
/// </summary>
public static class MailboxLoadProgress
{
    /// <summary>How often the agents are asked.</summary>
    public static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(250);

    /// <summary>Returns each agent's status once all are ready (polling every <see cref="PollEvery"/>).</summary>
    /// <param name="agents">The node's user agents by address.</param>
    /// <param name="output">Where to draw; null: standard error when it is a terminal, else nowhere.</param>
    /// <param name="cancellation">Stops waiting.</param>
    public static async Task<IReadOnlyDictionary<string, AgentStatus>> WaitAsync(IReadOnlyDictionary<string, IActorRef> agents, TextWriter? output,
        CancellationToken cancellation)
    {
        ProgressLine? line = null;
        (string Who, string Phase)? drawn = null;
        try
        {
            while (true)
            {
                var statuses = new Dictionary<string, AgentStatus>(StringComparer.OrdinalIgnoreCase);
                foreach (var (address, agent) in agents)
                    statuses[address] = await agent.Ask<AgentStatus>(GetAgentStatus.Instance, TimeSpan.FromSeconds(30), cancellation).ConfigureAwait(false);
                var loading = statuses.Where(s => !s.Value.Ready).ToList();
                if (loading.Count == 0) return statuses;
                var (who, status) = (loading[0].Key, loading[0].Value);
                var load = status.Loading ?? new MailboxLoad("starting", 0, null, 0);
                var what = (agents.Count > 1 ? $"{who} ({agents.Count - loading.Count} of {agents.Count} mailboxes loaded): " : $"{who}: ") + load.Phase;
                if (drawn != (who, load.Phase))
                {
                    line?.Dispose();
                    line = new ProgressLine(what, load.Total, load.Total is null ? "log entries" : "steps", output);
                    drawn = (who, load.Phase);
                }
                line!.Report(load.Total is null ? load.EntriesRead : load.Done);
                await Task.Delay(PollEvery, cancellation).ConfigureAwait(false);
            }
        }
        finally
        {
            line?.Dispose();
        }
    }
}
