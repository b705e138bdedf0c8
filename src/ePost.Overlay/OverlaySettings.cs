using Akka.Configuration;
using ePost.Core.Configuration;

namespace ePost.Overlay;

/// <summary>The overlay's settings, read once from <c>epost.overlay</c> (defaults: <c>hocon/overlay.conf</c>).</summary>
public sealed record OverlaySettings(
    int DigitBits,
    int LeafSetSize,
    int MaxHops,
    TimeSpan LookupTimeout,
    TimeSpan JoinTimeout,
    TimeSpan JoinRetryInitial,
    TimeSpan JoinRetryMax,
    int JoinMaxHandles,
    int JoinMaxPerSecond,
    int MaxQueuedRoutes,
    TimeSpan ProbeInterval,
    TimeSpan ProbeTimeout,
    TimeSpan MinTimeout,
    TimeSpan MaxTimeout,
    int ProbeRetries,
    TimeSpan FailedMemory,
    TimeSpan DeadRecheckInterval,
    TimeSpan RouteProbeIdle,
    TimeSpan TableMaintenanceInterval,
    TimeSpan HealInterval,
    int HealMaxRemembered,
    TimeSpan HealRememberFor,
    double HealBootstrapProbability,
    int MaxRelays,
    TimeSpan RelayTimeout,
    TimeSpan RouteLifetime,
    TimeSpan LeaseDuration,
    TimeSpan MaxHold,
    int EarlyDeliveryLimit,
    TimeSpan EarlyDeliveryWait,
    int MaxPendingCandidates,
    double PeerMessagesPerSecond,
    int PeerMessageBurst,
    long PeerBytesPerSecond,
    long PeerByteBurst,
    int RateLimitedPeers)
{
    /// <summary>The documented defaults, embedded from <c>hocon/overlay.conf</c>; also binds the overlay serializer.</summary>
    public static Config DefaultConfig { get; } = EmbeddedConfig.Load(typeof(OverlaySettings).Assembly, "ePost.Overlay.overlay.conf");

    /// <summary>The defaults as settings.</summary>
    public static OverlaySettings Default { get; } = Create(DefaultConfig);

    /// <summary>Reads <c>epost.overlay</c> from <paramref name="config"/>, falling back to the defaults.</summary>
    public static OverlaySettings Create(Config config)
    {
        var c = (ReferenceEquals(config, DefaultConfig) ? config : config.WithFallback(DefaultConfig)).GetConfig("epost.overlay");
        var settings = new OverlaySettings(
            DigitBits: c.GetInt("digit-bits"),
            LeafSetSize: c.GetInt("leaf-set-size"),
            MaxHops: c.GetInt("max-hops"),
            LookupTimeout: c.GetTimeSpan("lookup-timeout"),
            JoinTimeout: c.GetTimeSpan("join.timeout"),
            JoinRetryInitial: c.GetTimeSpan("join.retry-initial"),
            JoinRetryMax: c.GetTimeSpan("join.retry-max"),
            JoinMaxHandles: c.GetInt("join.max-handles"),
            JoinMaxPerSecond: c.GetInt("join.max-per-second"),
            MaxQueuedRoutes: c.GetInt("join.max-queued-routes"),
            ProbeInterval: c.GetTimeSpan("liveness.probe-interval"),
            ProbeTimeout: c.GetTimeSpan("liveness.probe-timeout"),
            MinTimeout: c.GetTimeSpan("liveness.min-timeout"),
            MaxTimeout: c.GetTimeSpan("liveness.max-timeout"),
            ProbeRetries: c.GetInt("liveness.probe-retries"),
            FailedMemory: c.GetTimeSpan("liveness.failed-memory"),
            DeadRecheckInterval: c.GetTimeSpan("liveness.dead-recheck-interval"),
            RouteProbeIdle: c.GetTimeSpan("liveness.route-probe-idle"),
            TableMaintenanceInterval: c.GetTimeSpan("routing-table.maintenance-interval"),
            HealInterval: c.GetTimeSpan("healing.interval"),
            HealMaxRemembered: c.GetInt("healing.max-remembered"),
            HealRememberFor: c.GetTimeSpan("healing.remember-for"),
            HealBootstrapProbability: c.GetDouble("healing.bootstrap-probability"),
            MaxRelays: c.GetInt("source-routing.max-relays"),
            RelayTimeout: c.GetTimeSpan("source-routing.relay-timeout"),
            RouteLifetime: c.GetTimeSpan("source-routing.route-lifetime"),
            LeaseDuration: c.GetTimeSpan("liveness.lease-duration"),
            MaxHold: c.GetTimeSpan("liveness.max-hold"),
            EarlyDeliveryLimit: c.GetInt("applications.early-limit"),
            EarlyDeliveryWait: c.GetTimeSpan("applications.early-wait"),
            MaxPendingCandidates: c.GetInt("admission.max-pending-candidates"),
            PeerMessagesPerSecond: c.GetDouble("admission.peer-messages-per-second"),
            PeerMessageBurst: c.GetInt("admission.peer-message-burst"),
            PeerBytesPerSecond: c.GetLong("admission.peer-bytes-per-second"),
            PeerByteBurst: c.GetLong("admission.peer-byte-burst"),
            RateLimitedPeers: c.GetInt("admission.rate-limited-peers"));
        settings.Validate();
        return settings;
    }

    /// <summary>
    /// The longest a dead leaf-set member can go unnoticed: a probe round, the first timeout and every back-off
    /// retry, then a round of relayed probes.
    /// </summary>
    public TimeSpan WorstCaseDetection
    {
        get
        {
            var total = ProbeInterval;
            for (var attempt = 0; attempt <= ProbeRetries; attempt++)
                total += TimeSpan.FromTicks(Math.Min(MaxTimeout.Ticks, ProbeTimeout.Ticks << attempt));
            return MaxRelays > 0 ? total + RelayTimeout : total;
        }
    }

    private void Validate()
    {
        if (DigitBits is < 1 or > 8 || 160 % DigitBits != 0) throw new ConfigurationException("epost.overlay.digit-bits must divide 160 and be 1..8.");
        if (LeafSetSize < 2 || LeafSetSize % 2 != 0) throw new ConfigurationException("epost.overlay.leaf-set-size must be even and >= 2.");
        if (MaxHops < 1) throw new ConfigurationException("epost.overlay.max-hops must be positive.");
        if (ProbeRetries < 0) throw new ConfigurationException("epost.overlay.liveness.probe-retries must be >= 0.");
        if (HealInterval <= TimeSpan.Zero || HealMaxRemembered < 1 || HealBootstrapProbability is < 0 or > 1)
            throw new ConfigurationException("epost.overlay.healing needs a positive interval, max-remembered >= 1 and a probability in [0, 1].");
        if (MaxRelays < 0 || RelayTimeout <= TimeSpan.Zero || RouteLifetime <= TimeSpan.Zero)
            throw new ConfigurationException("epost.overlay.source-routing needs max-relays >= 0 and positive durations.");
        if (LeaseDuration <= ProbeInterval)
            throw new ConfigurationException("epost.overlay.liveness.lease-duration must exceed probe-interval, or leases lapse between rounds.");
        if (EarlyDeliveryLimit < 0 || EarlyDeliveryWait < TimeSpan.Zero)
            throw new ConfigurationException("epost.overlay.applications needs early-limit >= 0 and early-wait >= 0.");
        if (MaxPendingCandidates < 1 || PeerMessagesPerSecond < 0 || PeerMessageBurst < 1 || PeerBytesPerSecond < 0
            || PeerByteBurst < 1 || RateLimitedPeers < 1)
            throw new ConfigurationException("epost.overlay.admission needs max-pending-candidates, bursts and rate-limited-peers >= 1 and rates >= 0.");
        if (MinTimeout > MaxTimeout) throw new ConfigurationException("epost.overlay.liveness.min-timeout exceeds max-timeout.");
        if (ProbeInterval <= TimeSpan.Zero || JoinTimeout <= TimeSpan.Zero || TableMaintenanceInterval <= TimeSpan.Zero)
            throw new ConfigurationException("epost.overlay intervals must be positive.");
    }
}
