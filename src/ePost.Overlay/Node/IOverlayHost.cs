using ePost.Core.Ids;

namespace ePost.Overlay.Node;

/// <summary>What a <see cref="PastryNode"/> needs from the process hosting it: time, timers, randomness, and upcalls.</summary>
public interface IOverlayHost
{
    /// <summary>Monotonic time since the host started (virtual in the simulator).</summary>
    TimeSpan Now { get; }

    /// <summary>The node's source of randomness (seeded in the simulator).</summary>
    Random Random { get; }

    /// <summary>Starts (or restarts) a single-shot timer; equal timer values name the same timer.</summary>
    void StartTimer(OverlayTimer timer, TimeSpan delay);

    /// <summary>Cancels a timer if it is pending.</summary>
    void CancelTimer(OverlayTimer timer);

    /// <summary>A routed payload reached this node as the root of its key.</summary>
    void Deliver(RingId key, object payload, NodeHandle origin, int hops);

    /// <summary>A payload sent directly to this node.</summary>
    void DeliverDirect(NodeHandle from, object payload);

    /// <summary>A lookup started here found the key's root.</summary>
    void LookupCompleted(long requestId, RingId key, NodeHandle root, int hops);

    /// <summary>Something an operator or a test may want to know (ready, a member declared dead, ...).</summary>
    void OnEvent(OverlayEvent e);
}

/// <summary>Notable overlay events.</summary>
public abstract record OverlayEvent;

/// <summary>The node finished joining and routes as a ring member.</summary>
public sealed record BecameReady(NodeHandle Self) : OverlayEvent;

/// <summary>A node stopped answering and was removed from the tables.</summary>
public sealed record NodeDeclaredDead(NodeHandle Node) : OverlayEvent;

/// <summary>The leaf set gained or lost members; <paramref name="Members"/> is the new membership (self excluded).</summary>
public sealed record LeafSetChanged(NodeHandle Self, NodeHandle[] Members) : OverlayEvent;

/// <summary>A message was dropped; the reason says why (malformed, hop limit, unknown peer, ...).</summary>
public sealed record MessageDropped(string Reason) : OverlayEvent;

/// <summary>A join was refused and will not be retried.</summary>
public sealed record JoinFailed(string Reason) : OverlayEvent;
