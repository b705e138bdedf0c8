using Akka.Actor;
using ePost.Mail.Delivery;

namespace ePost.Node.Dashboard;

/// <summary>
/// What the node's delivery agent did since start, counted from the <see cref="DeliveryReport"/>s it publishes, and how
/// many accepted messages wait in the spool now.
/// </summary>
public sealed class DeliveryCounters
{
    private readonly string _pending;
    private long _delivered, _retrying, _bounced;

    private DeliveryCounters(string spoolRoot) => _pending = Path.Combine(spoolRoot, "pending");

    /// <summary>Recipients handed to POST or the relay.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Recipients whose attempt failed for now (they are tried again).</summary>
    public long Retrying => Interlocked.Read(ref _retrying);

    /// <summary>Recipients that failed for good (their senders got a bounce).</summary>
    public long Bounced => Interlocked.Read(ref _bounced);

    /// <summary>Accepted messages not yet delivered, counted from the spool's directory (the spool itself is the delivery agent's).</summary>
    public int SpoolPending()
    {
        try
        {
            return Directory.Exists(_pending) ? Directory.EnumerateFiles(_pending, "*.json").Count() : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Counts the reports published on <paramref name="system"/>'s event stream from now on.</summary>
    public static DeliveryCounters Start(ActorSystem system, string spoolRoot)
    {
        var counters = new DeliveryCounters(spoolRoot);
        var listener = system.ActorOf(Props.Create(() => new Listener(counters)), "dashboard-deliveries");
        system.EventStream.Subscribe(listener, typeof(DeliveryReport));
        return counters;
    }

    private void Count(DeliveryReport report)
    {
        foreach (var outcome in report.Outcomes)
        {
            switch (outcome.Result)
            {
                case DeliveryResult.Delivered: Interlocked.Increment(ref _delivered); break;
                case DeliveryResult.Temporary: Interlocked.Increment(ref _retrying); break;
                default: Interlocked.Increment(ref _bounced); break;
            }
        }
    }

    private sealed class Listener : ReceiveActor
    {
        public Listener(DeliveryCounters counters) => Receive<DeliveryReport>(counters.Count);
    }
}
