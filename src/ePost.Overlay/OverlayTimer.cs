using Akka.Actor;
using ePost.Core.Ids;

namespace ePost.Overlay;

/// <summary>A timer of the overlay protocol; equal values name the same timer, so restarting one replaces it.</summary>
public abstract record OverlayTimer : INoSerializationVerificationNeeded;

/// <summary>Periodic liveness round over the leaf set.</summary>
public sealed record ProbeTick : OverlayTimer
{
    /// <summary>The one instance.</summary>
    public static readonly ProbeTick Instance = new();
}

/// <summary>The probe with this nonce to this peer went unanswered for one timeout.</summary>
public sealed record ProbeTimeout(RingId Peer, long Nonce) : OverlayTimer;

/// <summary>The join attempt with this number got no answer in time.</summary>
public sealed record JoinTimeout(int Attempt) : OverlayTimer;

/// <summary>Time to send the next join attempt.</summary>
public sealed record JoinRetry(int Attempt) : OverlayTimer;

/// <summary>Periodic routing-table maintenance: refresh one row from a peer.</summary>
public sealed record TableMaintenanceTick : OverlayTimer
{
    /// <summary>The one instance.</summary>
    public static readonly TableMaintenanceTick Instance = new();
}

/// <summary>Periodic partition-healing attempt: a join for our own id through a remembered dead node.</summary>
public sealed record HealTick : OverlayTimer
{
    /// <summary>The one instance.</summary>
    public static readonly HealTick Instance = new();
}

/// <summary>A round of relayed probes to an unreachable peer got no answer in time.</summary>
public sealed record RelayRoundTimeout(RingId Peer, long Round) : OverlayTimer;

/// <summary>The next hop did not acknowledge the message sent with this nonce in time.</summary>
public sealed record HopAckTimeout(long Nonce) : OverlayTimer;
