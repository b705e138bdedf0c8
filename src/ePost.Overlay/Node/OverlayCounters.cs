namespace ePost.Overlay.Node;

/// <summary>Message counters of one node, split into ring maintenance and application traffic.</summary>
public sealed class OverlayCounters : Akka.Actor.INoSerializationVerificationNeeded
{
    /// <summary>A copy that later traffic does not change.</summary>
    public OverlayCounters Copy() => (OverlayCounters)MemberwiseClone();

    /// <summary>Messages sent (all kinds).</summary>
    public long Sent { get; internal set; }

    /// <summary>Maintenance messages sent: joins, announcements, probes, leaf-set and row exchanges.</summary>
    public long MaintenanceSent { get; internal set; }

    /// <summary>Messages received (all kinds).</summary>
    public long Received { get; internal set; }

    /// <summary>Messages dropped as malformed, looping, unexpected or from an impostor.</summary>
    public long Dropped { get; internal set; }

    /// <summary>Messages dropped because a handle claiming to be the sender was not the peer the transport proved (also counted in <see cref="Dropped"/>).</summary>
    public long ForgedSender { get; internal set; }

    /// <summary>Messages dropped unhandled because their peer was over its message or byte rate (not counted in <see cref="Dropped"/>).</summary>
    public long Throttled { get; internal set; }

    /// <summary>Handles named by other nodes that were not probed because max-pending-candidates probes were already out.</summary>
    public long CandidatesDeferred { get; internal set; }

    /// <summary>Join requests refused (not ready, shutting down, busy, id in use).</summary>
    public long JoinsRejected { get; internal set; }

    /// <summary>Nodes declared dead by this node.</summary>
    public long DeclaredDead { get; internal set; }

    /// <summary>Tool requests handed to a local service (<see cref="ClientRequest"/>).</summary>
    public long ClientRequests { get; internal set; }

    /// <summary>Messages refused at the entry point before any handling: not part of the overlay protocol, or a tool request no service takes.</summary>
    public long Refused { get; internal set; }
}
