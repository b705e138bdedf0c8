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
    long Dropped) : IOverlayMessage;
