namespace ePost.Overlay.Join;

/// <summary>Routed towards the joiner's own id; every hop appends the routing-table rows the joiner can use.</summary>
/// <param name="Joiner">The node that wants to join (not yet ready).</param>
/// <param name="Sender">The hop that forwarded this copy (the joiner itself on the first hop).</param>
/// <param name="Hops">Forwarding hops so far.</param>
/// <param name="Learned">Handles collected along the way.</param>
/// <param name="HopNonce">When not 0, the sender wants a <see cref="Routing.HopAck"/> with this nonce.</param>
public sealed record JoinRequest(NodeHandle Joiner, NodeHandle Sender, int Hops, NodeHandle[] Learned, long HopNonce = 0) : IOverlayMessage;

/// <summary>Sent by the joiner's root: its leaf set and everything learned on the way. The joiner is then ready.</summary>
public sealed record JoinAccepted(NodeHandle Root, NodeHandle[] LeafSet, NodeHandle[] Learned) : IOverlayMessage;

/// <summary>A node that cannot take this join now (not ready, shutting down, busy) or ever (id in use).</summary>
public sealed record JoinRejected(NodeHandle From, string Reason, bool Retry) : IOverlayMessage;

/// <summary>A newly ready node telling the nodes in its tables that it exists.</summary>
public sealed record Announce(NodeHandle From) : IOverlayMessage;
