using Akka.Actor;
using Akka.Event;
using ePost.Mail.Backend;
using ePost.Mail.Spool;

namespace ePost.Mail.Delivery;

/// <summary>
/// Drains the submission spool: every message accepted by SMTP (and every bounce) is delivered to each recipient,
/// ring users through POST and others through the relay, with retries on the scheduler's clock and a bounce when a
/// recipient fails for good or the give-up age passes. Whatever the spool holds at start-up is picked up, so a node
/// that crashed resumes where its durable progress records say it was. Publishes a <see cref="DeliveryReport"/> on
/// the event stream after every attempt.
/// </summary>
public sealed class DeliveryAgent : ReceiveActor, IWithTimers
{
    private const string WakeTimer = "wake";
    private readonly DeliverySettings settings;
    private readonly FileSpool spool;
    private readonly DeliveryAttempt attempt;
    private readonly ReceiptDesk desk;
    private readonly IMailUserDirectory directory;
    private readonly Dictionary<string, Queued> queue = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stopping = new();
    private readonly ILoggingAdapter log = Context.GetLogger();
    private Action<SpooledMessage>? onCommitted;
    private int running;

    /// <summary>Props for the agent; the spool is the one the SMTP listeners accept into.</summary>
    /// <remarks>
    /// The agent also takes the receipts POST verifies (<see cref="DeliveryConfirmed"/> on the event stream): the
    /// sender's Sent copy in <paramref name="store"/> gets <see cref="ReceiptDesk.DeliveredKeyword"/>, and a success
    /// DSN is spooled for recipients given with NOTIFY=SUCCESS. Without a store only the DSNs are sent.
    /// </remarks>
    public static Props Props(DeliverySettings settings, FileSpool spool, IMailUserDirectory directory, IRingDelivery ring, IMailStore? store = null)
    {
        settings.Validate();
        return Akka.Actor.Props.Create(() => new DeliveryAgent(settings, spool, directory, ring, store));
    }

    /// <summary>Use <see cref="Props"/>; public only because Akka creates actors by reflection.</summary>
    public DeliveryAgent(DeliverySettings settings, FileSpool spool, IMailUserDirectory directory, IRingDelivery ring, IMailStore? store)
    {
        this.settings = settings;
        this.spool = spool;
        this.directory = directory;
        var receipts = new ReceiptBook(spool.Root);
        desk = new ReceiptDesk(settings, receipts, spool, store, Context.System.Scheduler);
        attempt = new DeliveryAttempt(settings, spool, directory, ring, new SmtpRelay(settings), Context.System.Scheduler, receipts);
        Receive<DeliveryConfirmed>(OnConfirmed);
        // A receipt seen again after its work was done is routine; one from the wrong recipient is worth a warning.
        Receive<ReceiptNote>(note =>
        {
            if (note.Suspicious) log.Warning("Ignored {0}", note.Text);
            else log.Info("Ignored {0}", note.Text);
        });
        Receive<Status.Failure>(failure => log.Error(failure.Cause, "Acting on a delivery receipt failed; the next scan tries again"));
        Receive<Committed>(c =>
        {
            Enqueue(c.Message, due: null);
            Dispatch();
        });
        Receive<Scan>(_ => ScanSpool());
        Receive<Wake>(_ => Dispatch());
        Receive<Finished>(OnFinished);
        Receive<Crashed>(OnCrashed);
        Receive<Done>(_ => { });
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    private DateTimeOffset Now => Context.System.Scheduler.Now;

    /// <inheritdoc />
    protected override void PreStart()
    {
        var self = Self;
        onCommitted = message => self.Tell(new Committed(message));
        spool.Committed += onCommitted;
        Context.System.EventStream.Subscribe<DeliveryConfirmed>(Self);
        Timers.StartPeriodicTimer("scan", Scan.Instance, settings.ScanInterval);
        ScanSpool();
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        spool.Committed -= onCommitted;
        // Not disposed: attempts still running hold its token until they notice the cancellation.
        stopping.Cancel();
    }

    private void OnConfirmed(DeliveryConfirmed confirmed)
    {
        var token = stopping.Token;
        // Answered only once the record is on disk: until then POST keeps the receipt in the ring and tells it again.
        Task.Run(async () =>
        {
            // Several nodes can share one actor system (the whole-system simulation): only the sender's own node
            // answers, so a node that does not serve the sender cannot let POST withdraw a receipt nobody took.
            AddressKind kind;
            try
            {
                kind = await directory.ClassifyAsync(confirmed.Sender, token);
            }
            catch (Exception) when (!token.IsCancellationRequested)
            {
                return null; // unanswered: POST tells it again next round
            }
            if (kind != AddressKind.LocalUser) return null;
            var note = await desk.ConfirmAsync(confirmed, token);
            confirmed.ReplyTo.Tell(new DeliveryConfirmationTaken(confirmed.Token));
            return note is null ? null : new ReceiptNote(note.Value.Text, note.Value.Suspicious);
        }, token).PipeTo(Self, success: note => (object?)note ?? Done.Instance);
    }

    private void ScanSpool()
    {
        var token = stopping.Token;
        Task.Run(() => desk.ReviewAsync(token), token).PipeTo(Self, success: () => Done.Instance);
        try
        {
            foreach (var message in spool.ListPending())
            {
                // The recorded next attempt survives a restart: a node in a crash loop does not hammer a failing relay.
                if (!queue.ContainsKey(message.Id)) Enqueue(message, spool.ReadProgress(message.Id).NextAttemptAt);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Thrown out of the actor this would restart it, scan again and fail again at once; the next scan is soon enough.
            log.Error(e, "Listing the spool failed; next try in {0}", settings.ScanInterval);
        }
        Dispatch();
    }

    private void Enqueue(SpooledMessage message, DateTimeOffset? due) => queue.TryAdd(message.Id, new Queued(message, due ?? Now));

    private void Dispatch()
    {
        if (running >= settings.MaxConcurrent)
        {
            // Every attempt in flight ends in Finished or Crashed, which dispatches again: no timer needed meanwhile.
            Timers.Cancel(WakeTimer);
            return;
        }
        var now = Now;
        foreach (var entry in queue.Values.Where(q => !q.Running && q.Due <= now).OrderBy(q => q.Due).ToList())
        {
            if (running >= settings.MaxConcurrent) break;
            Start(entry);
        }
        var next = queue.Values.Where(q => !q.Running).Select(q => (DateTimeOffset?)q.Due).Min();
        if (next is { } due && running < settings.MaxConcurrent) Timers.StartSingleTimer(WakeTimer, Wake.Instance, due > now ? due - now : TimeSpan.Zero);
        else Timers.Cancel(WakeTimer);
    }

    private void Start(Queued entry)
    {
        entry.Running = true;
        running++;
        var id = entry.Message.Id;
        var token = stopping.Token;
        var message = entry.Message;
        // File I/O and fsync block their thread: the whole attempt runs on the thread pool, its result comes back as a message.
        Task.Run(() => attempt.RunAsync(message, token), token)
            .PipeTo(Self, success: report => new Finished(report), failure: e => new Crashed(id, e));
    }

    private void OnFinished(Finished finished)
    {
        var report = finished.Report;
        running--;
        if (report.Completed) queue.Remove(report.SpoolId);
        else if (queue.TryGetValue(report.SpoolId, out var entry))
        {
            entry.Running = false;
            entry.Due = report.RetryAt ?? Now;
        }
        foreach (var outcome in report.Outcomes.Where(o => o.Result != DeliveryResult.Delivered))
            log.Info("Delivery of {0} to <{1}>: {2} {3}", report.SpoolId, outcome.Recipient, outcome.Result, outcome.Reply);
        Context.System.EventStream.Publish(report);
        Dispatch();
    }

    private void OnCrashed(Crashed crashed)
    {
        // The spool itself failed (disk full, permissions): keep the message and try again after the first back-off.
        running--;
        log.Error(crashed.Cause, "Delivery attempt of {0} failed; retrying in {1}", crashed.SpoolId, settings.FirstRetry);
        if (queue.TryGetValue(crashed.SpoolId, out var entry))
        {
            entry.Running = false;
            entry.Due = Now + settings.FirstRetry;
        }
        Dispatch();
    }

    private sealed class Queued(SpooledMessage message, DateTimeOffset due)
    {
        public SpooledMessage Message { get; } = message;
        public DateTimeOffset Due { get; set; } = due;
        public bool Running { get; set; }
    }

    private sealed record Committed(SpooledMessage Message);

    private sealed record Finished(DeliveryReport Report);

    private sealed record Crashed(string SpoolId, Exception Cause);

    private sealed class Scan
    {
        public static readonly Scan Instance = new();
    }

    private sealed record ReceiptNote(string Text, bool Suspicious);

    private sealed class Done
    {
        public static readonly Done Instance = new();
    }

    private sealed class Wake
    {
        public static readonly Wake Instance = new();
    }
}
