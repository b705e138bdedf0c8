using Akka.Actor;

namespace ePost.Mail.Tests.Fixtures;

/// <summary>Test fixture: a clock that moves only when told.</summary>
public sealed class ManualClock : ITimeProvider
{
    /// <summary>Starts at a fixed instant so transcripts and headers are reproducible.</summary>
    public DateTimeOffset Now { get; private set; } = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <inheritdoc />
    public TimeSpan MonotonicClock => Now - DateTimeOffset.UnixEpoch;

    /// <inheritdoc />
    public TimeSpan HighResMonotonicClock => MonotonicClock;

    /// <summary>Moves time forward.</summary>
    public void Advance(TimeSpan by) => Now += by;
}
