using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using ePost.Core.Crypto;
using ePost.Mail.Backend;
using ePost.Mail.Delivery;
using ePost.Overlay;
using ePost.Overlay.Node;
using ePost.Post;
using ePost.Post.Access;
using ePost.Post.Mailbox;
using ePost.Simulation.Network;
using ePost.Storage.Glacier;
using ePost.Storage.Objects;
using ePost.Storage.Replication;

namespace ePost.Simulation.Whole;

/// <summary>Options of a whole-system run.</summary>
/// <param name="Nodes">Nodes in the ring.</param>
/// <param name="Users">Users, served round-robin by the first nodes.</param>
/// <param name="Messages">Messages submitted, each to one recipient.</param>
/// <param name="Seed">Seeds keys, positions, the workload and the fault schedule.</param>
/// <param name="Nemeses">Faults to inject during the submission window.</param>
/// <param name="SubmitMinutes">Virtual minutes over which messages are submitted (the fault window).</param>
/// <param name="SettleMinutes">Virtual minutes the ring may take after the faults end until every invariant holds.</param>
/// <param name="StepMilliseconds">The least virtual time one step advances: timers and arrivals closer together run in one step.</param>
/// <param name="InjectedBug">Test hook: a deliberate bug to show the invariants catch it (see <see cref="InjectedBug"/>).</param>
public sealed record WholeOptions(int Nodes, int Users, int Messages, int Seed, NemesisKind Nemeses, double SubmitMinutes = 10, double SettleMinutes = 60,
    double StepMilliseconds = 20, InjectedBug InjectedBug = InjectedBug.None)
{
    /// <summary>The command that runs these options again (the injected bug is a test hook and has no option).</summary>
    public string ReplayCommand => FormattableString.Invariant(
        $"epost sim --whole --nodes {Nodes} --users {Users} --messages {Messages} --nemesis {Nemeses.ToString().ToLowerInvariant().Replace(" ", "")} --seed {Seed} --submit-minutes {SubmitMinutes} --settle-minutes {SettleMinutes} --step-ms {StepMilliseconds}");
}

/// <summary>Deliberate bugs a test injects to show the simulation fails when mail is lost.</summary>
public enum InjectedBug
{
    /// <summary>None.</summary>
    None,

    /// <summary>One acknowledged message's spool entry is deleted behind the delivery agent's back (a spool that loses a committed file).</summary>
    LoseOneSpooledMessage,
}

/// <summary>The outcome of a whole-system run.</summary>
/// <param name="Invariants">What the invariants found.</param>
/// <param name="VirtualSeconds">Virtual time simulated.</param>
/// <param name="WallSeconds">Real time taken.</param>
/// <param name="Schedule">The fault schedule (drawn from the seed).</param>
/// <param name="Figures">Other counters (network traffic, restarts, stalls).</param>
/// <param name="TraceDigest">SHA-256 (hex) of the run's trace as the seed fixes it: every fault and submission with its virtual instant, sender and recipient, and each acknowledged message's verdict and each mailbox's size at the end.</param>
public sealed record WholeResult(InvariantReport Invariants, double VirtualSeconds, double WallSeconds, IReadOnlyList<NemesisEvent> Schedule,
    IReadOnlyDictionary<string, double> Figures, string TraceDigest);

/// <summary>
/// The whole-system simulation: every node's real layers (Pastry overlay, replicated SQLite store, Glacier, POST office
/// and user agents with their SQLite journal, submission spool and delivery agent) as actors of one ActorSystem on the
/// TestKit's virtual scheduler, their overlay traffic serialized by the project's wire serializers and carried by the
/// <see cref="WireNetwork"/>. Messages are submitted into the senders' spools (the SMTP 250) while the nemeses run;
/// the invariants are checked during the run and once the ring settles.
/// </summary>
/// <remarks>
/// Time advances only when every actor and every thread-pool task is idle (<see cref="Quiescence"/>), to the next
/// timer due. Actors still run on the thread pool and SQLite and the spool do real I/O, so two runs of one seed
/// interleave differently and can differ in detail; what a seed fixes is the keys, the placement, the workload and
/// the fault schedule (printed, so a failing seed's nemeses replay exactly).
/// </remarks>
public sealed class WholeSimulation : IDisposable
{
    /// <summary>The users' mail domain.</summary>
    public const string Domain = "sim.test";

    private static readonly FieldInfo? ScheduledWork = typeof(TestScheduler).GetField("_scheduledWork", BindingFlags.NonPublic | BindingFlags.Instance);
    private static readonly TimeSpan AskLimit = TimeSpan.FromSeconds(60);
    private readonly WholeOptions _options;
    private readonly TextWriter _log;
    private readonly string _root;
    private readonly ActorSystem _system;
    private readonly TestScheduler _scheduler;
    private readonly DateTimeOffset _origin;
    private readonly Quiescence _quiet;
    private readonly WireNetwork _network;
    private readonly WholeSettings _settings;
    private readonly List<WholeNode> _nodes = new();
    private readonly Dictionary<string, WholeNode> _homeOf = new(StringComparer.OrdinalIgnoreCase);
    private readonly MailInvariants _invariants = new();
    private readonly Random _workload;
    private readonly Dictionary<string, double> _figures = new();
    private readonly TimeSpan _quantum;
    private readonly List<WholeNode> _massKilled = new();
    private readonly List<string> _failures = new();
    private readonly List<AcknowledgedMessage> _acknowledgedInOrder = new();
    private readonly IncrementalHash _trace = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly Stopwatch _advancing = new();
    private readonly Stopwatch _waiting = new();
    private int _restarts;
    private long _steps;
    private TimeSpan _traceAt;
    private int _pauses;
    private int _fullDisks;
    private long _fullDiskRefusals;

    /// <summary>Builds the nodes (not started) in a fresh temporary directory.</summary>
    public WholeSimulation(WholeOptions options, TextWriter log)
    {
        _options = options;
        _log = log;
        _quantum = TimeSpan.FromMilliseconds(options.StepMilliseconds);
        _root = Directory.CreateTempSubdirectory("epost-sim-").FullName;
        var keys = new SeededRandomNumberGenerator(options.Seed);
        var ca = CertificateAuthority.Create(keys);
        var config = ConfigurationFactory.ParseString($$"""
            akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
            akka.loglevel = ERROR
            akka.stdout-loglevel = ERROR
            akka.log-dead-letters = off
            akka.actor.default-mailbox.mailbox-type = "{{typeof(CountingMailbox).AssemblyQualifiedName}}"
            akka.actor.mailbox.unbounded-deque-based.mailbox-type = "{{typeof(CountingDequeMailbox).AssemblyQualifiedName}}"
            akka.actor.default-dispatcher.executor = thread-pool-executor
            akka.actor.internal-dispatcher.executor = thread-pool-executor
            epost.storage.certificate-authority = "{{Convert.ToHexStringLower(ca.PublicKey)}}"
            epost.post.domains = ["{{Domain}}"]
            # Back-off capped well below the 4 h default, so a message that failed through every fault is retried
            # within the settle window (the spool's semantics are unchanged).
            epost.mail.delivery.max-retry = 5m
            epost.mail.delivery.first-retry = 20s
            """)
            .WithFallback(PostPersistence.For(_root))
            .WithFallback(OverlaySettings.DefaultConfig)
            .WithFallback(StorageSettings.DefaultConfig)
            .WithFallback(PostSettings.DefaultConfig)
            .WithFallback(DeliverySettings.DefaultConfig);
        // Pool threads already busy now (a test host's blocking reader, this thread) are not the simulation's work.
        var baseline = Quiescence.BusyPoolThreads();
        _system = ActorSystem.Create("sim", config);
        _scheduler = (TestScheduler)_system.Scheduler;
        _origin = _scheduler.Now;
        _quiet = new Quiescence(_system, TimeSpan.FromSeconds(1), baseline);
        _settings = new WholeSettings(OverlaySettings.Create(config), StorageSettings.Create(config), GlacierSettings.Create(config),
            PostSettings.Create(config), DeliverySettings.Create(config), ca.PublicKey, Domain);
        _network = new WireNetwork(_system, LatencyModel.Default, new Random(options.Seed));
        _workload = new Random(options.Seed * 13 + 3);
        _system.EventStream.Subscribe(_system.ActorOf(Props.Create(() => new ReportListener(_failures)), "reports"), typeof(DeliveryReport));

        var users = Enumerable.Range(0, options.Users)
            .Select(u => new LocalUser(ca.IssueNewUser($"u{u}@{Domain}", (ulong)u + 1, keys), $"pw{u}")).ToList();
        var skews = NemesisSchedule.Skews(options.Nemeses, options.Nodes, options.Seed);
        for (var i = 0; i < options.Nodes; i++)
        {
            var seed = new byte[32];
            keys.GetBytes(seed);
            var served = users.Where((_, u) => u % options.Nodes == i).ToList();
            var node = new WholeNode(i, Ed25519.FromSeed(seed), Path.Combine(_root, $"n{i}"), served) { WallClockSkew = skews[i] };
            _nodes.Add(node);
            _network.Reserve(i);
            foreach (var user in served) _homeOf[user.Address] = node;
        }
        Schedule = NemesisSchedule.Draw(options.Nemeses, options.Nodes, TimeSpan.FromMinutes(options.SubmitMinutes), options.Seed);
    }

    /// <summary>Told how far the run is: the phase, steps done and steps in all (for a progress line).</summary>
    public IProgress<(string Phase, long Done, long Total)>? Progress { get; init; }

    /// <summary>The fault schedule this run follows.</summary>
    public IReadOnlyList<NemesisEvent> Schedule { get; }

    /// <summary>Virtual time since the simulation started.</summary>
    public TimeSpan Now => _scheduler.Now - _origin;

    /// <summary>Runs the whole simulation: build the ring, load the mailboxes, submit under faults, settle, judge.</summary>
    public WholeResult Run(CancellationToken cancel = default)
    {
        _cancel = cancel;
        var wall = Stopwatch.StartNew();
        var gcs = Enumerable.Range(0, 3).Select(GC.CollectionCount).ToArray();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        _log.WriteLine($"# whole-system simulation: {_options.Nodes} nodes, {_options.Users} users, {_options.Messages} messages, seed {_options.Seed}, nemeses {_options.Nemeses}");
        foreach (var e in Schedule) _log.WriteLine("# nemesis " + e);

        // 1. The ring: node 0 starts it, the others join one virtual second apart through a random running node.
        Start(_nodes[0], []);
        for (var i = 1; i < _nodes.Count; i++)
        {
            RunFor(TimeSpan.FromSeconds(1), cancel);
            Start(_nodes[i], [_nodes[_workload.Next(i)].Address]);
            Progress?.Report(("joining the ring", i + 1, _nodes.Count));
        }
        var ready = RunUntil(() => AllReady(), TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(5), cancel);
        _log.WriteLine($"# ring of {_nodes.Count} {(ready ? "ready" : "NOT ready")} at {Now.TotalSeconds:F0} s virtual, {wall.Elapsed.TotalSeconds:F1} s wall");
        var loaded = RunUntil(() => Snapshots(requireAll: true) is not null, TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(5), cancel);
        _log.WriteLine($"# mailboxes {(loaded ? "loaded" : "NOT all loaded")} at {Now.TotalSeconds:F0} s virtual, {wall.Elapsed.TotalSeconds:F1} s wall");
        // Certificates must be in the ring before mail can be addressed to their users.
        RunFor(TimeSpan.FromSeconds(30), cancel);

        // 2. Submissions at random instants of the window while the nemeses run; the invariants are checked every 30 s.
        var start = Now;
        var window = TimeSpan.FromMinutes(_options.SubmitMinutes);
        var agenda = new List<(TimeSpan At, int Order, Action Act)>();
        foreach (var e in Schedule) agenda.Add((start + e.At, 0, () => Apply(e)));
        for (var m = 0; m < _options.Messages; m++)
        {
            var number = m;
            agenda.Add((start + window * (0.9 * _workload.NextDouble()), 1, () => Submit(number)));
        }
        for (var t = TimeSpan.FromSeconds(30); t < window; t += TimeSpan.FromSeconds(30)) agenda.Add((start + t, 2, () => ObserveUp()));
        agenda.Sort((a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Order.CompareTo(b.Order));
        var done = 0;
        foreach (var (at, _, act) in agenda)
        {
            RunTo(at, cancel);
            // The scheduled instant, not Now: a stall while a crashed node's actors stop may leave Now a step later.
            _traceAt = at - start;
            act();
            Progress?.Report(("submitting under faults (events)", ++done, agenda.Count));
        }
        RunTo(start + window, cancel);
        HealEverything();
        _log.WriteLine($"# faults over at {Now.TotalSeconds:F0} s virtual; {_invariants.Acknowledged.Count} acknowledged, {wall.Elapsed.TotalSeconds:F1} s wall");

        // 3. Settle: until every acknowledged message is filed and every log is in the ring, or the limit.
        var settled = RunUntil(() => Snapshots(requireAll: true) is { } s && Settled(s), TimeSpan.FromMinutes(_options.SettleMinutes),
            TimeSpan.FromSeconds(15), cancel);
        var finals = Snapshots(requireAll: false) ?? [];
        var report = _invariants.Judge(finals);
        var filed = finals.ToDictionary(f => f.User, StringComparer.OrdinalIgnoreCase);
        foreach (var m in _acknowledgedInOrder)
            Trace($"verdict {m.Sender} {m.Recipient} {(filed.TryGetValue(m.Recipient, out var box) && box.DeliveryIds.Contains(m.DeliveryId) ? "filed" : "missing")}");
        foreach (var box in finals.OrderBy(f => f.User, StringComparer.Ordinal)) Trace($"mailbox {box.User} {box.Messages}");
        var digest = Convert.ToHexStringLower(_trace.GetHashAndReset());
        _log.WriteLine($"# {(settled ? "settled" : "did NOT settle")} at {Now.TotalSeconds:F0} s virtual, {wall.Elapsed.TotalSeconds:F1} s wall");
        foreach (var violation in report.Violations.Take(20)) _log.WriteLine("# violation: " + violation);
        _log.WriteLine($"# trace digest {digest}");
        if (!report.Holds || !report.Converged) _log.WriteLine($"# seed {_options.Seed} failed; replay: {_options.ReplayCommand}");
        lock (_failures)
        {
            foreach (var failure in _failures.Take(20)) _log.WriteLine("# permanent delivery failure (bounced): " + failure);
            _figures["bounced"] = _failures.Count;
        }

        _figures["network_messages"] = _network.Sent;
        _figures["network_bytes"] = _network.BytesSent;
        _figures["network_blocked"] = _network.Blocked;
        _figures["network_dropped"] = _network.Dropped;
        _figures["network_duplicated"] = _network.Duplicated;
        _figures["network_unreachable"] = _network.Unreachable;
        _figures["network_unreadable"] = _network.Unreadable;
        foreach (var (layer, count) in _network.SentByLayer.OrderBy(l => l.Key, StringComparer.Ordinal)) _figures["network_" + layer + "_messages"] = count;
        _figures["restarts"] = _restarts;
        _figures["pauses"] = _pauses;
        _figures["full_disks"] = _fullDisks;
        _figures["full_disk_refusals"] = _fullDiskRefusals;
        _figures["idle_stalls"] = _quiet.Stalls;
        _figures["steps"] = _steps;
        _figures["settled"] = settled ? 1 : 0;
        // Where the wall time went: firing due timers on this thread, and waiting for the actors to go idle.
        _figures["wall_advance_seconds"] = Math.Round(_advancing.Elapsed.TotalSeconds, 2);
        _figures["wall_idle_wait_seconds"] = Math.Round(_waiting.Elapsed.TotalSeconds, 2);
        _figures["cpu_seconds"] = Math.Round((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds, 2);
        for (var g = 0; g < 3; g++) _figures[$"gc_gen{g}"] = GC.CollectionCount(g) - gcs[g];
        return new WholeResult(report, Math.Round(Now.TotalSeconds, 1), Math.Round(wall.Elapsed.TotalSeconds, 2), Schedule, _figures, digest);
    }

    private void Trace(string line) =>
        _trace.AppendData(Encoding.UTF8.GetBytes(FormattableString.Invariant($"{(long)_traceAt.TotalMilliseconds} {line}\n")));

    // ----- Nodes -----

    private void Start(WholeNode node, IReadOnlyList<string> bootstrap)
    {
        node.Epoch++;
        node.Guardian = _system.ActorOf(WholeNodeGuardian.Props(node, _settings, _network, bootstrap), $"n{node.Index}-e{node.Epoch}");
        node.Parts = Await(node.Guardian.Ask<WholeNodeGuardian.Parts>(WholeNodeGuardian.GetParts.Instance, AskLimit));
    }

    /// <summary>A crash: the node vanishes from the network at once and its actors stop without finishing what they queued.</summary>
    private void Kill(WholeNode node)
    {
        if (node.Guardian is not { } guardian) return;
        _network.Detach(node.Index);
        if (node.IsPaused) MailboxActivity.Of(_system).Release(guardian.Path.ToStringWithoutAddress());
        node.IsPaused = false;
        var stopped = guardian.WatchAsync();
        _system.Stop(guardian);
        node.Guardian = null;
        node.Parts = null;
        // Its files are closed before anything reopens them (the next start of the same node). Stopping is work on
        // the thread pool (actors' PostStop, SQLite files closing), not work on virtual time: system messages pass
        // no counted mailbox, so stepping virtual time while it runs would spin through minutes of virtual time in a
        // moment on a loaded machine and call the run wedged (CI saw that). Wait for it in real time; step virtual
        // time only if a stopping actor waits on a timer.
        _quiet.WaitIdle();
        if (Task.WhenAny(stopped, Task.Delay(StopWallLimit)).GetAwaiter().GetResult() != stopped) Await(stopped);
    }

    /// <summary>How long a crash waits in real time for a node's actors to stop before it steps virtual time too.</summary>
    private static readonly TimeSpan StopWallLimit = TimeSpan.FromSeconds(60);

    private void Restart(WholeNode node)
    {
        if (node.IsUp) return;
        var peers = _nodes.Where(n => n.IsUp && n != node).ToList();
        Start(node, peers.Count == 0 ? [] : [peers[_workload.Next(peers.Count)].Address]);
        _restarts++;
    }

    private void Apply(NemesisEvent e)
    {
        _log.WriteLine($"# {Now.TotalSeconds:F1} s: {e}");
        Trace($"fault {e}");
        switch (e.Kind)
        {
            case NemesisKind.Kill when e.Start: Kill(_nodes[e.Target]); break;
            case NemesisKind.Kill: Restart(_nodes[e.Target]); break;
            case NemesisKind.Partition when !e.Start: _network.Faults.Heal(); break;
            case NemesisKind.Partition when e.Target >= 0:
                _network.Faults.Partition([[e.Target], Enumerable.Range(0, _nodes.Count).Where(i => i != e.Target)]);
                break;
            case NemesisKind.Partition:
                var order = Enumerable.Range(0, _nodes.Count).OrderBy(_ => _workload.Next()).ToList();
                var minority = Math.Max(1, (int)Math.Round(_nodes.Count * e.Amount));
                _network.Faults.Partition([order.Take(minority), order.Skip(minority)]);
                break;
            case NemesisKind.Intransitive when e.Start: _network.Faults.BlockBothWays(e.Target / _nodes.Count, e.Target % _nodes.Count); break;
            case NemesisKind.Intransitive: _network.Faults.Unblock(e.Target / _nodes.Count, e.Target % _nodes.Count); break;
            case NemesisKind.Mass when e.Start:
                var up = _nodes.Where(n => n.IsUp).OrderBy(_ => _workload.Next()).ToList();
                var victims = up.Take((int)Math.Round(_nodes.Count * e.Amount)).ToList();
                _log.WriteLine($"#   killing nodes {string.Join(", ", victims.Select(n => n.Index))} at once");
                foreach (var victim in victims) Kill(victim);
                _massKilled.AddRange(victims);
                break;
            case NemesisKind.Mass:
                foreach (var victim in _massKilled) Restart(victim);
                _massKilled.Clear();
                break;
            case NemesisKind.Pause when e.Start: Pause(_nodes[e.Target]); break;
            case NemesisKind.Pause: Resume(_nodes[e.Target]); break;
            case NemesisKind.FullDisk: FillDisk(_nodes[e.Target], e.Start); break;
            case NemesisKind.Loss: _network.Faults.LossProbability = e.Start ? e.Amount : 0; break;
            case NemesisKind.Duplicate: _network.DuplicateProbability = e.Start ? e.Amount : 0; break;
            case NemesisKind.Reorder: _network.Faults.LatencySpread = e.Start ? e.Amount : 0; break;
        }
    }

    /// <summary>
    /// A pause (a long GC, SIGSTOP): the node's actors are suspended, so what reaches them (network arrivals, their
    /// own timers) queues in their mailboxes until <see cref="Resume"/>; nothing is lost and no one is told.
    /// </summary>
    private void Pause(WholeNode node)
    {
        if (node.Guardian is not { } guardian || node.IsPaused) return;
        // What queues for the suspended actors is no work at this instant: without this every step would wait its limit.
        MailboxActivity.Of(_system).Hold(guardian.Path.ToStringWithoutAddress());
        ((IInternalActorRef)guardian).Suspend();
        node.IsPaused = true;
        _pauses++;
    }

    private void Resume(WholeNode node)
    {
        if (node.Guardian is not { } guardian || !node.IsPaused) return;
        node.IsPaused = false;
        MailboxActivity.Of(_system).Release(guardian.Path.ToStringWithoutAddress());
        ((IInternalActorRef)guardian).Resume();
    }

    /// <summary>
    /// The disk fills (<paramref name="full"/>) or is cleared: the node crashes and comes back with its store's budget
    /// at what it held (refusing every new object with OverBudget), or with its normal budget again.
    /// </summary>
    private void FillDisk(WholeNode node, bool full)
    {
        if (full == node.FullDiskBytes is not null) return;
        var status = node.Parts is { } parts && node.Answers ? TryAsk<StorageStatus>(parts.Storage, GetStorageStatus.Instance) : null;
        // What the full store refused (counted since its start on the full disk) shows the fault really bit.
        if (!full) _fullDiskRefusals += status?.Store.Refusals.GetValueOrDefault(RefusalReason.OverBudget) ?? 0;
        node.FullDiskBytes = full ? status?.Store.TotalBytes ?? 0 : null;
        if (full) _fullDisks++;
        if (!node.IsUp) return;
        Kill(node);
        Restart(node);
    }

    private void HealEverything()
    {
        foreach (var node in _nodes.Where(n => n.IsPaused)) Resume(node);
        foreach (var node in _nodes.Where(n => n.FullDiskBytes is not null)) FillDisk(node, full: false);
        _network.Faults.Heal();
        _network.Faults.UnblockAll();
        _network.Faults.LossProbability = 0;
        _network.Faults.LatencySpread = 0;
        _network.DuplicateProbability = 0;
        foreach (var node in _nodes.Where(n => !n.IsUp)) Restart(node);
    }

    private bool AllReady() => _nodes.All(n => n.Parts is { } p && TryAsk<NodeStatus>(p.Overlay, GetNodeStatus.Instance) is { Ready: true });

    // ----- Mail -----

    private void Submit(int number)
    {
        var senders = _homeOf.Where(h => h.Value.Answers).Select(h => h.Key).OrderBy(a => a, StringComparer.Ordinal).ToList();
        if (senders.Count == 0) return;
        var sender = senders[_workload.Next(senders.Count)];
        var recipients = _homeOf.Keys.Where(a => a != sender).OrderBy(a => a, StringComparer.Ordinal).ToList();
        var recipient = recipients.Count == 0 ? sender : recipients[_workload.Next(recipients.Count)];
        var node = _homeOf[sender];
        var body = Encoding.ASCII.GetBytes(
            $"From: <{sender}>\r\nTo: <{recipient}>\r\nSubject: sim {_options.Seed}/{number}\r\nMessage-ID: <sim-{_options.Seed}-{number}@{Domain}>\r\n\r\n" +
            $"Message {number} of seed {_options.Seed}.\r\n");
        // Received on the clock the node's delivery agent judges the message's age by (the system scheduler's, which
        // the skew nemesis does not move: skewing only this stamp made every message 5 days "old" at its first retry).
        var envelope = new SpoolEnvelope(sender, [recipient], sender, "sim", _scheduler.Now);
        // The SMTP session's 250 comes exactly when this returns: the message and its commit record are fsync'd.
        // The bug: the spool says 250 for the first message without keeping it (as if it had not fsync'd it). Deciding
        // before the spool sees the message keeps it deterministic: the delivery agent never hears of it.
        var spoolId = _options.InjectedBug == InjectedBug.LoseOneSpooledMessage && number == 0
            ? "lost-by-the-injected-bug"
            : node.Parts!.Spool.AcceptAsync(envelope, body, CancellationToken.None).GetAwaiter().GetResult();
        var acknowledged = new AcknowledgedMessage(spoolId, sender, recipient, DeliveryAttempt.DeliveryId(spoolId, recipient), Now);
        _invariants.Acknowledge(acknowledged);
        _acknowledgedInOrder.Add(acknowledged);
        Trace($"250 {number} {sender} {recipient}");
    }

    private void ObserveUp()
    {
        foreach (var snapshot in Snapshots(requireAll: false) ?? []) _invariants.Observe(snapshot);
    }

    /// <summary>Every running user's INBOX; null when <paramref name="requireAll"/> and some user's node is down or its agent not ready.</summary>
    private List<MailboxSnapshot>? Snapshots(bool requireAll)
    {
        var snapshots = new List<MailboxSnapshot>();
        foreach (var (address, node) in _homeOf.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            if (node.Parts is not { } parts || node.IsPaused)
            {
                if (requireAll) return null;
                continue;
            }
            var agents = TryAsk<PostOffice.Agents>(parts.PostOffice, PostOffice.GetAgents.Instance);
            var agent = agents?.ByAddress.GetValueOrDefault(address);
            var status = agent is null ? null : TryAsk<AgentStatus>(agent, GetAgentStatus.Instance);
            var inbox = status is { Ready: true } ? TryAsk<FolderView>(agent!, new GetFolder("INBOX")) : null;
            if (inbox is null)
            {
                if (requireAll) return null;
                continue;
            }
            snapshots.Add(new MailboxSnapshot(address, inbox.State.Messages.Count, inbox.State.DeliveredIds, status!.UnsyncedLogs));
        }
        return snapshots;
    }

    private bool Settled(List<MailboxSnapshot> snapshots)
    {
        var filed = snapshots.ToDictionary(s => s.User, StringComparer.OrdinalIgnoreCase);
        return snapshots.All(s => s.UnsyncedLogs == 0)
               && _invariants.Acknowledged.All(m => filed.TryGetValue(m.Recipient, out var box) && box.DeliveryIds.Contains(m.DeliveryId));
    }

    // ----- Virtual time -----

    private T? TryAsk<T>(IActorRef target, object message) where T : class
    {
        try
        {
            return Await(target.Ask<object>(message, AskLimit)) as T;
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }

    /// <summary>Advances virtual time until <paramref name="task"/> completes (actors answer on virtual time).</summary>
    private T Await<T>(Task<T> task)
    {
        _quiet.WaitIdle();
        // Every ask here times out on virtual time; a task that outlives that by far means the run is wedged, and a
        // wedged run must fail with what it was doing, never hang its caller.
        var end = Now + AwaitLimit;
        while (!task.IsCompleted)
        {
            _cancel.ThrowIfCancellationRequested();
            // Virtual time is spent; what may be left is real work a loaded machine has not got to yet: give it real
            // time before calling the run wedged.
            if (Now >= end && Task.WhenAny(task, Task.Delay(StopWallLimit)).GetAwaiter().GetResult() == task) break;
            if (Now >= end) throw new TimeoutException($"A node operation did not finish within {AwaitLimit.TotalMinutes:F0} virtual minutes (at {Now.TotalSeconds:F0} s virtual).");
            Step(Now + TimeSpan.FromSeconds(1));
        }
        return task.GetAwaiter().GetResult();
    }

    /// <summary>How long <see cref="Await{T}"/> steps virtual time for one task before it calls the run wedged.</summary>
    private static readonly TimeSpan AwaitLimit = TimeSpan.FromMinutes(10);

    private CancellationToken _cancel;

    private void RunFor(TimeSpan span, CancellationToken cancel) => RunTo(Now + span, cancel);

    private void RunTo(TimeSpan target, CancellationToken cancel)
    {
        while (Now < target)
        {
            cancel.ThrowIfCancellationRequested();
            Step(target);
        }
    }

    private bool RunUntil(Func<bool> condition, TimeSpan limit, TimeSpan every, CancellationToken cancel)
    {
        var end = Now + limit;
        while (true)
        {
            if (condition()) return true;
            if (Now >= end) return false;
            RunTo(Now + every < end ? Now + every : end, cancel);
        }
    }

    /// <summary>One step: to the next timer due (at least the step quantum ahead, at most <paramref name="limit"/>), then until idle.</summary>
    private void Step(TimeSpan limit)
    {
        var next = NextDue() ?? limit;
        if (next < Now + _quantum) next = Now + _quantum;
        if (next > limit && limit > Now) next = limit;
        var before = MailboxActivity.Of(_system).Enqueued;
        _advancing.Start();
        _scheduler.AdvanceTo(_origin + next);
        _advancing.Stop();
        _steps++;
        // Nothing was due (only cancelled timers): nothing to wait for.
        if (MailboxActivity.Of(_system).Enqueued == before) return;
        _waiting.Start();
        _quiet.WaitIdle();
        _waiting.Stop();
    }

    private TimeSpan? NextDue()
    {
        if (ScheduledWork?.GetValue(_scheduler) is not System.Collections.IDictionary work) return null;
        long? min = null;
        foreach (var key in work.Keys)
            if (key is long ticks && (min is null || ticks < min)) min = ticks;
        return min is { } m ? new DateTimeOffset(m, TimeSpan.Zero) - _origin : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _trace.Dispose();
        _system.Terminate().Wait(TimeSpan.FromSeconds(30));
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Collects the delivery agents' permanent failures (each bounces an acknowledged message back to its sender).</summary>
    private sealed class ReportListener : ReceiveActor
    {
        public ReportListener(List<string> failures) =>
            Receive<DeliveryReport>(report =>
            {
                lock (failures)
                    failures.AddRange(report.Outcomes.Where(o => o.Result == DeliveryResult.Permanent)
                        .Select(o => $"{report.SpoolId} to <{o.Recipient}>: {o.Reply}"));
            });
    }
}
