namespace ePost.Overlay.Node;

/// <summary>Message counters of one node, split into ring maintenance and application traffic.</summary>
public sealed class OverlayCounters
{
    /// <summary>Messages sent (all kinds).</summary>
    public long Sent { get; internal set; }

    /// <summary>Maintenance messages sent: joins, announcements, probes, leaf-set and row exchanges.</summary>
    public long MaintenanceSent { get; internal set; }

    /// <summary>Messages received (all kinds).</summary>
    public long Received { get; internal set; }

    /// <summary>Messages dropped as malformed, looping, unexpected or from an impostor.</summary>
    public long Dropped { get; internal set; }

    /// <summary>Join requests refused (not ready, shutting down, busy, id in use).</summary>
    public long JoinsRejected { get; internal set; }

    /// <summary>Nodes declared dead by this node.</summary>
    public long DeclaredDead { get; internal set; }
}
