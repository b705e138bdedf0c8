using ePost.Core.Ids;

namespace ePost.Overlay.Routing;

/// <summary>An application payload travelling hop by hop to the live node numerically closest to <paramref name="Key"/>.</summary>
/// <param name="Key">Destination key.</param>
/// <param name="Origin">The node that first sent it.</param>
/// <param name="Sender">The previous hop.</param>
/// <param name="Payload">The application message (any bound wire message).</param>
/// <param name="Hops">Forwarding hops so far (a reroute after a lost hop counts as one).</param>
/// <param name="HopNonce">When not 0, the sender wants a <see cref="HopAck"/> with this nonce.</param>
public sealed record RouteMessage(RingId Key, NodeHandle Origin, NodeHandle Sender, object Payload, int Hops, long HopNonce = 0) : IOverlayMessage;

/// <summary>"I have it": sent to the previous hop of a routed message or join, which otherwise reroutes it.</summary>
public sealed record HopAck(NodeHandle From, long Nonce) : IOverlayMessage;

/// <summary>An application payload sent straight to one known node.</summary>
public sealed record DirectMessage(NodeHandle From, object Payload) : IOverlayMessage;

/// <summary>The routed payload of a lookup: "who is the root of this key?"</summary>
public sealed record LookupProbe(long RequestId) : IOverlayMessage;

/// <summary>The root's answer to a <see cref="LookupProbe"/>, sent directly to the origin.</summary>
public sealed record LookupReply(NodeHandle Root, RingId Key, long RequestId, int Hops) : IOverlayMessage;

/// <summary>Asks a node for one row of its routing table (lazy repair of holes).</summary>
public sealed record RowRequest(NodeHandle From, int Row) : IOverlayMessage;

/// <summary>One routing-table row (plus the replier itself).</summary>
public sealed record RowReply(NodeHandle From, int Row, NodeHandle[] Entries) : IOverlayMessage;
