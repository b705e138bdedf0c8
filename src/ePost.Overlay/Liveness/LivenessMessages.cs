namespace ePost.Overlay.Liveness;

/// <summary>Are you alive? Carries the sender's leaf set, so probing neighbours also keeps leaf sets converged.</summary>
public sealed record Probe(NodeHandle From, long Nonce, NodeHandle[] LeafSet) : IOverlayMessage;

/// <summary>
/// Answer to a <see cref="Probe"/> with the same nonce, carrying the replier's leaf set. <paramref name="Lease"/>
/// is true when the replier sees the prober as its immediate neighbour: a lease for consistent root delivery.
/// </summary>
public sealed record ProbeReply(NodeHandle From, long Nonce, NodeHandle[] LeafSet, bool Lease = false) : IOverlayMessage;

/// <summary>
/// A message travelling over a one-hop source route: <paramref name="Origin"/> sends it to <paramref name="Relay"/>,
/// which forwards it unchanged to <paramref name="Target"/>, which handles <paramref name="Inner"/> as if sent
/// directly and answers the same way back.
/// </summary>
public sealed record Relayed(NodeHandle Origin, NodeHandle Relay, NodeHandle Target, object Inner) : IOverlayMessage;

/// <summary>An unsolicited leaf set, sent to a node that just entered the sender's leaf set.</summary>
public sealed record LeafSetInfo(NodeHandle From, NodeHandle[] LeafSet) : IOverlayMessage;
