using System.Net;
using Akka.Actor;

namespace ePost.Mail.Sessions;

/// <summary>Limits on failed logins, per client address.</summary>
/// <param name="FirstDelay">Delay before answering the first failed login; doubles with each further failure.</param>
/// <param name="MaxDelay">Cap on that delay.</param>
/// <param name="MaxFailures">Failures within <paramref name="Window"/> after which the address may not try again.</param>
/// <param name="Window">How long a failure counts.</param>
public sealed record LoginThrottleSettings(TimeSpan FirstDelay, TimeSpan MaxDelay, int MaxFailures, TimeSpan Window)
{
    /// <summary>1 s doubling to 16 s; 10 failures per 15 minutes per address.</summary>
    public static readonly LoginThrottleSettings Default = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(16), 10, TimeSpan.FromMinutes(15));
}

/// <summary>
/// Failed-login delays and rate limit, shared by all sessions of a listener (thread-safe). Time comes from the injected
/// clock (the Akka scheduler's <c>Now</c>, which the TestScheduler advances), so tests run it on virtual time.
/// </summary>
public sealed class LoginThrottle(LoginThrottleSettings settings, ITimeProvider clock)
{
    private const int PruneThreshold = 1024;
    private readonly Dictionary<IPAddress, Queue<DateTimeOffset>> failures = new();
    private readonly object gate = new();

    /// <summary>The settings in force.</summary>
    public LoginThrottleSettings Settings => settings;

    /// <summary>True when the address has failed too often recently and must not be allowed another attempt.</summary>
    public bool IsBlocked(IPAddress address)
    {
        lock (gate) return Recent(address) >= settings.MaxFailures;
    }

    /// <summary>Records a failed login and returns how long to hold back the reply.</summary>
    public TimeSpan RecordFailure(IPAddress address)
    {
        lock (gate)
        {
            if (failures.Count > PruneThreshold) PruneAll();
            if (!failures.TryGetValue(address, out var times)) failures[address] = times = new Queue<DateTimeOffset>();
            times.Enqueue(clock.Now);
            while (times.Count > settings.MaxFailures) times.Dequeue();
            var n = Recent(address);
            var ticks = settings.FirstDelay.Ticks * (1L << Math.Min(n - 1, 20));
            return TimeSpan.FromTicks(Math.Min(ticks, settings.MaxDelay.Ticks));
        }
    }

    private int Recent(IPAddress address)
    {
        if (!failures.TryGetValue(address, out var times)) return 0;
        var horizon = clock.Now - settings.Window;
        while (times.Count > 0 && times.Peek() <= horizon) times.Dequeue();
        if (times.Count == 0) failures.Remove(address);
        return times.Count;
    }

    private void PruneAll()
    {
        foreach (var address in failures.Keys.ToList()) Recent(address);
    }
}
