namespace ePost.Overlay.Join;

/// <summary>Routed towards the joiner's own id; every hop appends the routing-table rows the joiner can use.</summary>
/// <param name="Joiner">The node that wants to join (not yet ready).</param>
/// <param name="Sender">The hop that forwarded this copy (the joiner itself on the first hop).</param>
/// <param name="Hops">Forwarding hops so far.</param>
/// <param name="Learned">Handles collected along the way.</param>
/// <param name="HopNonce">When not 0, the sender wants a <see cref="Routing.HopAck"/> with this nonce.</param>
/// <param name="JoinNonce">The joiner's random number for this join, echoed in its answer: only nodes on the join's
/// route learn it, so nobody else can answer the join.</param>
public sealed record JoinRequest(NodeHandle Joiner, NodeHandle Sender, int Hops, NodeHandle[] Learned, long HopNonce = 0, long JoinNonce = 0) : IOverlayMessage;

/// <summary>Sent by the joiner's root: its leaf set and everything learned on the way. The joiner is then ready.</summary>
/// <param name="Root">The root, which must be the node sending it.</param>
/// <param name="LeafSet">The root's leaf set (verified by the joiner before they enter its tables).</param>
/// <param name="Learned">Handles collected along the route (verified likewise).</param>
/// <param name="JoinNonce">The <see cref="JoinRequest.JoinNonce"/> of the join answered.</param>
public sealed record JoinAccepted(NodeHandle Root, NodeHandle[] LeafSet, NodeHandle[] Learned, long JoinNonce = 0) : IOverlayMessage;

/// <summary>A node that cannot take this join now (not ready, shutting down, busy) or ever (id in use).</summary>
/// <param name="From">The refusing node, which must be the node sending it.</param>
/// <param name="Reason">Why, for the operator.</param>
/// <param name="Retry">False only for "id in use": taken only from the node proven to hold that id.</param>
/// <param name="JoinNonce">The <see cref="JoinRequest.JoinNonce"/> of the join answered.</param>
public sealed record JoinRejected(NodeHandle From, string Reason, bool Retry, long JoinNonce = 0) : IOverlayMessage;

/// <summary>A newly ready node telling the nodes in its tables that it exists.</summary>
public sealed record Announce(NodeHandle From) : IOverlayMessage;
