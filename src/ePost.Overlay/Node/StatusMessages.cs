using ePost.Core.Ids;

namespace ePost.Overlay.Node;

/// <summary>Asks a ring node (local or remote) for its view of the ring.</summary>
public sealed record GetNodeStatus : IOverlayMessage
{
    /// <summary>The one instance.</summary>
    public static readonly GetNodeStatus Instance = new();
}

/// <summary>A node's view of the ring, for <c>epost status</c>, devnet and tests.</summary>
public sealed record NodeStatus(
    NodeHandle Self,
    bool Ready,
    NodeHandle[] Clockwise,
    NodeHandle[] CounterClockwise,
    int RoutingTableEntries,
    int RoutingTableRows,
    long MessagesSent,
    long MessagesReceived,
    long Dropped,
    NeighbourStatus[]? Neighbours = null,
    int RecentlyDead = 0,
    bool Healing = false) : IOverlayMessage;

/// <summary>What a node knows of one leaf-set member: whether it answers, how fast, and through which relay.</summary>
/// <param name="Id">The member's id.</param>
/// <param name="Suspected">True while probes to it go unanswered.</param>
/// <param name="RttMs">The smoothed round-trip time in milliseconds, or null before the first answer.</param>
/// <param name="Relay">The id of the member relaying to it (a one-hop source route), or null when reached directly.</param>
public sealed record NeighbourStatus(RingId Id, bool Suspected, double? RttMs, RingId? Relay);
