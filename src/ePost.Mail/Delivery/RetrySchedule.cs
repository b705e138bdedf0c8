namespace ePost.Mail.Delivery;

/// <summary>
/// When a message with temporary failures is tried again: exponential back-off from the first retry, capped, and never
/// later than the give-up moment, so the last attempt happens right when the sender is told.
/// </summary>
public static class RetrySchedule
{
    /// <summary>The wait after the <paramref name="attempts"/>-th failed attempt (1 for the first).</summary>
    public static TimeSpan Backoff(DeliverySettings settings, int attempts)
    {
        var wait = settings.FirstRetry;
        for (var i = 1; i < attempts && wait < settings.MaxRetry; i++) wait += wait;
        return wait < settings.MaxRetry ? wait : settings.MaxRetry;
    }

    /// <summary>The moment after which undelivered recipients are bounced.</summary>
    public static DateTimeOffset GiveUpAt(DeliverySettings settings, DateTimeOffset receivedAt) => receivedAt + settings.GiveUpAfter;

    /// <summary>The next attempt after <paramref name="attempts"/> failed ones ending at <paramref name="now"/>.</summary>
    public static DateTimeOffset NextAttempt(DeliverySettings settings, DateTimeOffset receivedAt, int attempts, DateTimeOffset now)
    {
        var next = now + Backoff(settings, attempts);
        var giveUp = GiveUpAt(settings, receivedAt);
        return next < giveUp ? next : giveUp;
    }

    /// <summary>True when temporary failures now count as permanent.</summary>
    public static bool Expired(DeliverySettings settings, DateTimeOffset receivedAt, DateTimeOffset now) => now >= GiveUpAt(settings, receivedAt);
}
