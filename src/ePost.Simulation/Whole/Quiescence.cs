using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace ePost.Simulation.Whole;

/// <summary>
/// Messages enqueued into and taken out of every mailbox of one actor system (see <see cref="CountingMailbox"/>):
/// with the thread pool idle and both counts equal, no actor has anything left to do at this virtual instant.
/// </summary>
public sealed class MailboxActivity
{
    private static readonly ConditionalWeakTable<ActorSystem, MailboxActivity> BySystem = new();
    private readonly ConcurrentDictionary<CountingMessageQueue, string> _queues = new();
    private volatile string[] _held = [];
    private long _enqueued;
    private long _dequeued;

    /// <summary>The counters of <paramref name="system"/>'s mailboxes.</summary>
    public static MailboxActivity Of(ActorSystem system) => BySystem.GetValue(system, _ => new MailboxActivity());

    /// <summary>Messages put into mailboxes so far.</summary>
    public long Enqueued => Interlocked.Read(ref _enqueued);

    /// <summary>Messages taken out of mailboxes so far.</summary>
    public long Dequeued => Interlocked.Read(ref _dequeued);

    /// <summary>
    /// Messages waiting in the mailboxes of held (suspended) actors: they stay queued until their actors resume, so
    /// they are not work left at this instant.
    /// </summary>
    public long Held
    {
        get
        {
            var held = _held;
            if (held.Length == 0) return 0;
            long count = 0;
            foreach (var (queue, path) in _queues)
                if (held.Any(p => path == p || path.StartsWith(p + "/", StringComparison.Ordinal))) count += queue.Count;
            return count;
        }
    }

    /// <summary>The actor at <paramref name="path"/> and its descendants are suspended: their queued messages are <see cref="Held"/>.</summary>
    public void Hold(string path) => _held = _held.Append(path).ToArray();

    /// <summary>The actors at <paramref name="path"/> resumed.</summary>
    public void Release(string path) => _held = _held.Where(p => p != path).ToArray();

    internal void Register(CountingMessageQueue queue, string path) => _queues[queue] = path;

    internal void Unregister(CountingMessageQueue queue) => _queues.TryRemove(queue, out _);

    internal void OnEnqueue() => Interlocked.Increment(ref _enqueued);

    internal void OnDequeue() => Interlocked.Increment(ref _dequeued);
}

/// <summary>An unbounded queue that counts into its system's <see cref="MailboxActivity"/>.</summary>
internal sealed class CountingMessageQueue : IMessageQueue, IUnboundedMessageQueueSemantics
{
    private readonly UnboundedMessageQueue _inner = new();
    private readonly MailboxActivity _activity;

    public CountingMessageQueue(MailboxActivity activity, IActorRef? owner)
    {
        _activity = activity;
        if (owner is not null) _activity.Register(this, owner.Path.ToStringWithoutAddress());
    }

    public bool HasMessages => _inner.HasMessages;

    public int Count => _inner.Count;

    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        _activity.OnEnqueue();
        _inner.Enqueue(receiver, envelope);
    }

    public bool TryDequeue(out Envelope envelope)
    {
        if (!_inner.TryDequeue(out envelope)) return false;
        _activity.OnDequeue();
        return true;
    }

    public void CleanUp(IActorRef owner, IMessageQueue deadletters)
    {
        // Whatever a stopped actor leaves behind goes to dead letters: counted as taken out here.
        _activity.Unregister(this);
        while (TryDequeue(out var envelope)) deadletters.Enqueue(owner, envelope);
    }
}

/// <summary>The deque variant (stashing and persistent actors need it); prepended messages were counted when first enqueued.</summary>
internal sealed class CountingDequeMessageQueue(MailboxActivity activity, IActorRef? owner)
    : DequeWrapperMessageQueue(new CountingMessageQueue(activity, owner)), IUnboundedDequeBasedMessageQueueSemantics;

/// <summary>The simulation's default mailbox: Akka's unbounded mailbox, counted (configured by <see cref="WholeSimulation"/>).</summary>
public sealed class CountingMailbox(Settings settings, Config config) : MailboxType(settings, config), IProducesMessageQueue<UnboundedMessageQueue>
{
    /// <inheritdoc />
    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new CountingMessageQueue(MailboxActivity.Of(system ?? Settings.System), owner);
}

/// <summary>The simulation's deque-based mailbox (for stashing actors), counted.</summary>
public sealed class CountingDequeMailbox(Settings settings, Config config) : MailboxType(settings, config), IProducesMessageQueue<UnboundedDequeMessageQueue>
{
    /// <inheritdoc />
    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new CountingDequeMessageQueue(MailboxActivity.Of(system ?? Settings.System), owner);
}

/// <summary>
/// Waits, in real time, until an actor system has finished everything the last virtual instant started: every
/// mailbox drained and no thread-pool work queued or running (actors run there, and so do the layers' file and
/// SQLite I/O). Bounded: work that never finishes (a blocked thread) is counted as a stall and time moves on.
/// </summary>
/// <param name="system">The actor system.</param>
/// <param name="limit">The longest wait for idleness.</param>
/// <param name="baseline">Pool threads busy with something else for good (a test host's reader), measured before the system started.</param>
public sealed class Quiescence(ActorSystem system, TimeSpan limit, int baseline)
{
    private readonly MailboxActivity _activity = MailboxActivity.Of(system);

    /// <summary>Thread-pool threads running work items right now.</summary>
    public static int BusyPoolThreads()
    {
        ThreadPool.GetAvailableThreads(out var available, out _);
        ThreadPool.GetMaxThreads(out var max, out _);
        return max - available;
    }

    /// <summary>Waits that hit <c>limit</c> before the system was idle.</summary>
    public long Stalls { get; private set; }

    /// <summary>Waits until idle (twice in a row, a few microseconds apart) or until the limit.</summary>
    public void WaitIdle()
    {
        var own = Math.Max(baseline, Thread.CurrentThread.IsThreadPoolThread ? 1 : 0);
        var deadline = Environment.TickCount64 + (long)limit.TotalMilliseconds;
        var spinner = new SpinWait();
        var quiet = 0;
        while (quiet < 2)
        {
            if (IsIdle(own)) quiet++;
            else quiet = 0;
            if (quiet >= 2) return;
            if (Environment.TickCount64 > deadline)
            {
                Stalls++;
                return;
            }
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    private bool IsIdle(int own)
    {
        if (_activity.Enqueued - _activity.Dequeued != _activity.Held || ThreadPool.PendingWorkItemCount > 0) return false;
        return BusyPoolThreads() <= own;
    }
}
