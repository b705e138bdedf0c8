using System.Collections.Concurrent;
using Akka.Actor;

namespace ePost.Mail.Backend;

/// <summary>
/// One deadline for every call the mail sessions make to the layer behind them (POST), so that every client command
/// gets a reply in bounded time when that layer is down or slow. A call that has not finished when the deadline passes
/// is cancelled and fails with <see cref="MailStoreError.Unavailable"/>, which the sessions answer with
/// <c>NO [UNAVAILABLE]</c>, <c>451 4.3.0</c> or <c>-ERR [SYS/TEMP]</c>; any other failure of the layer (not one the client
/// caused) is reported the same way, so the session stays open.
/// </summary>
/// <remarks>
/// After a call to a part of the layer (one user's mailbox, the directory, the spool) ran out of time, further calls to
/// that part fail at once for one more deadline's length, instead of each waiting out its own: a command that makes
/// several calls in turn (IMAP re-reads the selected folder before it runs the command) then still answers within
/// about one deadline. Both timers run on the node's scheduler, so tests drive them on virtual time.
/// </remarks>
public sealed class BackendDeadline
{
    private readonly IScheduler scheduler;
    private readonly ConcurrentDictionary<string, byte> unresponsive = new(StringComparer.Ordinal);

    /// <summary>Calls get <paramref name="timeout"/> each, measured on <paramref name="scheduler"/>.</summary>
    public BackendDeadline(TimeSpan timeout, IScheduler scheduler)
    {
        if (timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), "The backend timeout must be positive.");
        Timeout = timeout;
        this.scheduler = scheduler;
    }

    /// <summary>How long one call may take.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Runs a call without a result under the deadline.</summary>
    public Task RunAsync(string part, Func<CancellationToken, Task> call, CancellationToken cancellation) =>
        RunAsync(part, async token =>
        {
            await call(token).ConfigureAwait(false);
            return true;
        }, cancellation);

    /// <summary>
    /// Runs <paramref name="call"/> for the layer's <paramref name="part"/> under the deadline. Client errors
    /// (<see cref="MailStoreException"/> other than unavailable) and the session's own cancellation pass through.
    /// </summary>
    /// <exception cref="MailStoreException">With <see cref="MailStoreError.Unavailable"/> when the call timed out or the layer failed.</exception>
    public async Task<T> RunAsync<T>(string part, Func<CancellationToken, Task<T>> call, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (unresponsive.ContainsKey(part)) throw Unavailable($"did not answer within {Describe(Timeout)} a moment ago; try again shortly");
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var expired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var timer = scheduler.Advanced.ScheduleOnceCancelable(Timeout, () => expired.TrySetResult());
        Task<T> work;
        try
        {
            work = call(linked.Token);
        }
        catch (Exception e) when (IsLayerFailure(e, cancellation))
        {
            timer.Cancel();
            linked.Dispose();
            throw Unavailable("failed: " + e.Message);
        }
        if (await Task.WhenAny(work, expired.Task).ConfigureAwait(false) != work)
        {
            // The call is abandoned: cancelled for whoever honours it, its eventual failure observed, and the part
            // marked so the calls right behind it do not wait out a deadline each. The token source stays alive
            // (not disposed) because the abandoned call may still be registering on it.
            linked.Cancel();
            _ = work.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            if (unresponsive.TryAdd(part, 0)) scheduler.Advanced.ScheduleOnce(Timeout, () => unresponsive.TryRemove(part, out _));
            throw Unavailable($"did not answer within {Describe(Timeout)}; try again later");
        }
        timer.Cancel();
        linked.Dispose();
        try
        {
            return await work.ConfigureAwait(false);
        }
        catch (Exception e) when (IsLayerFailure(e, cancellation))
        {
            throw Unavailable("failed: " + e.Message);
        }
    }

    private static bool IsLayerFailure(Exception e, CancellationToken cancellation) => e switch
    {
        MailStoreException => false,
        OperationCanceledException when cancellation.IsCancellationRequested => false,
        _ => true,
    };

    private static MailStoreException Unavailable(string what) => new(MailStoreError.Unavailable, "The mail store " + what + ".");

    private static string Describe(TimeSpan span) =>
        span.TotalSeconds >= 1 ? $"{span.TotalSeconds:0.#} s" : $"{span.TotalMilliseconds:0} ms";
}
