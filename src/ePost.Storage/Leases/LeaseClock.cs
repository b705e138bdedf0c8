using System.Buffers.Binary;
using ePost.Core.Time;
using ePost.Storage.Local;

namespace ePost.Storage.Leases;

/// <summary>A node's lease counter: advances with local monotonic time while the node runs, persisted across restarts.</summary>
/// <remarks>
/// <para>
/// Lease expiries are stored as readings of this counter, never as dates, so neither a wrong wall clock nor a
/// peer's clock can shorten a lease. Time while the node is down does not count: a lease of 21 days means 21
/// days of this node running.
/// </para>
/// <para>
/// The owner calls <see cref="Checkpoint"/> on a timer (<see cref="DefaultCheckpointInterval"/>) and at shutdown.
/// After a crash the counter resumes from the last checkpoint, so up to one interval of running time is lost. That
/// only makes every lease last longer (the stored expiries are further ahead of the resumed counter than they
/// were), never shorter: the error can keep garbage a little longer but can never collect an object early. The
/// opposite design (persisting expiries as "time remaining", or guessing the lost time) could lose data.
/// </para>
/// </remarks>
public sealed class LeaseClock
{
    /// <summary>Meta key under which the counter is persisted (8 bytes, big-endian milliseconds).</summary>
    public const string MetaKey = "lease-clock";

    /// <summary>How often the owner should checkpoint: the most running time a crash can add to every lease.</summary>
    public static readonly TimeSpan DefaultCheckpointInterval = TimeSpan.FromSeconds(30);

    private readonly object _gate = new();
    private readonly IMonotonicClock _clock;
    private readonly IMetaStore _meta;
    private readonly LeaseInstant _resumedAt;
    private readonly TimeSpan _elapsedAtResume;
    private LeaseInstant _latest;

    private LeaseClock(IMonotonicClock clock, IMetaStore meta, LeaseInstant resumedAt)
    {
        _clock = clock;
        _meta = meta;
        _resumedAt = resumedAt;
        _latest = resumedAt;
        LastCheckpoint = resumedAt;
        _elapsedAtResume = clock.Elapsed;
    }

    /// <summary>Resumes the counter from the value last checkpointed in <paramref name="meta"/> (zero for a new node).</summary>
    /// <exception cref="InvalidDataException">When the stored value is not a valid counter.</exception>
    public static LeaseClock Resume(IMonotonicClock clock, IMetaStore meta)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(meta);
        var stored = meta.ReadMeta(MetaKey);
        var start = LeaseInstant.Zero;
        if (stored is not null)
        {
            if (stored.Length != 8)
                throw new InvalidDataException($"The persisted lease clock is {stored.Length} bytes, not 8.");
            var milliseconds = BinaryPrimitives.ReadInt64BigEndian(stored);
            if (milliseconds < 0)
                throw new InvalidDataException($"The persisted lease clock is negative ({milliseconds} ms).");
            start = new LeaseInstant(milliseconds);
        }
        return new LeaseClock(clock, meta, start);
    }

    /// <summary>The counter now. Never decreases, even if the time source misbehaves.</summary>
    public LeaseInstant Now
    {
        get
        {
            var ran = _clock.Elapsed - _elapsedAtResume;
            var milliseconds = ran <= TimeSpan.Zero ? 0 : ran.Ticks / TimeSpan.TicksPerMillisecond;
            var reading = new LeaseInstant(_resumedAt.Milliseconds + milliseconds);
            lock (_gate)
            {
                _latest = LeaseInstant.Max(_latest, reading);
                return _latest;
            }
        }
    }

    /// <summary>The value persisted by the last <see cref="Checkpoint"/> (or resumed from).</summary>
    public LeaseInstant LastCheckpoint { get; private set; }

    /// <summary>The local expiry of a lease of <paramref name="duration"/> granted now.</summary>
    public LeaseInstant ExpiryFor(LeaseDuration duration) => Now + duration;

    /// <summary>True when a lease ending at <paramref name="expiry"/> has run out (an object expires at its expiry instant).</summary>
    public bool HasExpired(LeaseInstant expiry) => expiry <= Now;

    /// <summary>Persists the counter durably and returns the value written. Call on a timer and at shutdown.</summary>
    public LeaseInstant Checkpoint()
    {
        var now = Now;
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, now.Milliseconds);
        _meta.WriteMeta(MetaKey, bytes);
        LastCheckpoint = now;
        return now;
    }
}
