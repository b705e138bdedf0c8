using ePost.Overlay.Routing;

namespace ePost.Overlay.Liveness;

/// <summary>What a node knows about one peer's liveness: when it was last heard, the probe in flight, the RTT.</summary>
internal sealed class PeerState(NodeHandle handle, RttEstimator rtt)
{
    /// <summary>Nonce of the last probe sent, kept after it is answered or superseded (leases are timed from it).</summary>
    public long LastProbeNonce { get; set; }

    /// <summary>When the last probe was sent.</summary>
    public TimeSpan LastProbeSentAt { get; set; }

    /// <summary>The relayed-probe round in progress for this peer, or 0.</summary>
    public long RelayRound { get; set; }

    /// <summary>The incarnation this state is about.</summary>
    public NodeHandle Handle { get; set; } = handle;

    /// <summary>Monotonic time of the last message received directly from it; null if never.</summary>
    public TimeSpan? LastHeard { get; set; }

    /// <summary>Nonce of the probe in flight, or 0.</summary>
    public long PendingNonce { get; set; }

    /// <summary>When the probe in flight was sent.</summary>
    public TimeSpan SentAt { get; set; }

    /// <summary>Unanswered probes so far in this round (0 = not suspected).</summary>
    public int Attempts { get; set; }

    /// <summary>True for a node learned second-hand, not yet admitted to any table until it answers.</summary>
    public bool Candidate { get; set; }

    /// <summary>Routed messages held until this peer, chosen as a hop while its liveness was in doubt, answers.</summary>
    public List<RouteMessage>? Parked { get; set; }

    /// <summary>Round-trip estimate for timeouts.</summary>
    public RttEstimator Rtt { get; set; } = rtt;

    /// <summary>True while a probe went unanswered at least once.</summary>
    public bool Suspected => Attempts > 0;
}
