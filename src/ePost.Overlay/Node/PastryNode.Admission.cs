using ePost.Core.Ids;
using ePost.Overlay.Admission;
using ePost.Overlay.Join;
using ePost.Overlay.Liveness;
using ePost.Overlay.Network;
using ePost.Overlay.Routing;

namespace ePost.Overlay.Node;

// Who gets a word in (docs/threat-model.md, "Node identity and overlay admission"): a message is handled only when
// the handle that claims to be its sender is the peer the transport proved, a peer is held to its rate, and a
// message that came through a relay is handled with its sender vouched for by that relay only.
public sealed partial class PastryNode
{
    private readonly PeerRateLimiter _rates;

    /// <summary>
    /// While the inner message of a <see cref="Relayed"/> is handled: the origin it claims to come from and the relay
    /// it came through. Answers to the origin go back through that relay; the origin is not proven (only the relay
    /// vouches for it), so it refreshes what we know of exactly that handle and admits nothing new.
    /// </summary>
    private (NodeHandle Origin, NodeHandle Relay)? _arrivedVia;

    /// <summary>
    /// Candidates being verified for the leaf set, kept as a leaf set of their own (its sides nearest first): a further
    /// candidate is probed only if it would still be a member once they have all answered.
    /// </summary>
    private readonly LeafSet _leafCandidates;

    /// <summary>The candidate being verified for each empty routing-table slot.</summary>
    private readonly Dictionary<(int Row, int Column), RingId> _slotCandidates = new();

    /// <summary>Counts a candidate of <see cref="_leafCandidates"/>: still being verified, and not a member meanwhile.</summary>
    private readonly Func<NodeHandle, bool> _stillCandidate;

    /// <summary>True while a probe to the candidate with that id is out.</summary>
    private bool IsBeingVerified(RingId id) => _peers.TryGetValue(id, out var p) && p.Candidate && p.PendingNonce != 0;

    /// <summary>
    /// Whether a handle not heard from yet is worth a probe for the leaf set: it would enter it, and on some side fewer
    /// than half a leaf set of members and candidates being verified are nearer. A joiner's leaf set is empty until
    /// its first probes are answered, so without the candidates it took every handle it was told of, and probed
    /// hundreds of nodes where a dozen a side will do; if a nearer candidate fails, gossip names the others again.
    /// </summary>
    private bool LeafSetWouldTakeCandidate(NodeHandle node)
    {
        if (!LeafSet.WouldAccept(node)) return false;
        // Another incarnation of a member, or a member on one side only: as the leaf set itself says.
        if (LeafSet.Contains(node.Id)) return true;
        return LeafSet.Nearer(node, clockwise: true) + _leafCandidates.Nearer(node, clockwise: true, _stillCandidate) < LeafSet.HalfSize
            || LeafSet.Nearer(node, clockwise: false) + _leafCandidates.Nearer(node, clockwise: false, _stillCandidate) < LeafSet.HalfSize;
    }

    /// <summary>True when another candidate for that empty routing-table slot is being verified (one answer fills it).</summary>
    private bool SlotBeingVerified(int row, int column, RingId id) =>
        _slotCandidates.TryGetValue((row, column), out var other) && other != id && IsBeingVerified(other);

    /// <summary>Records where a candidate now probed would go (a leaf-set candidate's answer also fills its table slot).</summary>
    private void Verifying(NodeHandle node, bool forLeafSet, (int Row, int Column)? slot)
    {
        if (forLeafSet) _leafCandidates.Offer(node);
        if (slot is { } s && Table.Get(s.Row, s.Column) is null && !SlotBeingVerified(s.Row, s.Column, node.Id)) _slotCandidates[s] = node.Id;
    }

    /// <summary>A candidate answered or was given up: it no longer holds a place.</summary>
    private void Verified(RingId id)
    {
        _leafCandidates.Remove(id);
        if (Table.SlotOf(id) is { } slot && _slotCandidates.TryGetValue(slot, out var other) && other == id) _slotCandidates.Remove(slot);
    }

    /// <summary>True while the handle claiming to send the message in hand was proven by the transport.</summary>
    private bool SenderProven => _arrivedVia is null;

    /// <summary>The handle in a message that claims to be the node that sent it (null: none, or malformed).</summary>
    private NodeHandle? ClaimedSender(IOverlayMessage message) => message switch
    {
        Probe m => m.From,
        ProbeReply m => m.From,
        LeafSetInfo m => m.From,
        Announce m => m.From,
        RowRequest m => m.From,
        RowReply m => m.From,
        DirectMessage m => m.From,
        HopAck m => m.From,
        LookupReply m => m.Root,
        JoinAccepted m => m.Root,
        JoinRejected m => m.From,
        RouteMessage m => m.Sender,
        JoinRequest m => m.Sender,
        // The relay hears from the origin; the target hears from the relay.
        Relayed m => m.Target is { } target && target.Id == Self.Id ? m.Relay : m.Origin,
        _ => null,
    };

    /// <summary>
    /// True when <paramref name="claimed"/> is the proven peer: same address, and the same node id when the transport
    /// authenticates (without authentication only the address can be compared).
    /// </summary>
    private static bool IsSender(NodeHandle claimed, AuthenticatedPeer from) =>
        claimed.Address == from.Address && (from.Node is not { } node || claimed.Id == node);

    private void Forged(string reason)
    {
        Counters.ForgedSender++;
        Drop(reason);
    }

    /// <summary>
    /// A rough size for the byte bucket: the engine does not see wire bytes, so each handle counts 64 bytes, byte and
    /// string payloads their length, any other payload 256, plus 64 per message.
    /// </summary>
    private static long ApproximateSize(IOverlayMessage message) => 64 + message switch
    {
        Relayed m => m.Inner is IOverlayMessage inner and not Relayed ? ContentSize(inner) : 0,
        _ => ContentSize(message),
    };

    private static long ContentSize(IOverlayMessage message) => message switch
    {
        Probe m => Handles(m.LeafSet),
        ProbeReply m => Handles(m.LeafSet),
        LeafSetInfo m => Handles(m.LeafSet),
        RowReply m => Handles(m.Entries),
        JoinRequest m => Handles(m.Learned),
        JoinAccepted m => Handles(m.LeafSet) + Handles(m.Learned),
        RouteMessage m => PayloadSize(m.Payload),
        DirectMessage m => PayloadSize(m.Payload),
        _ => 0,
    };

    private static long Handles(NodeHandle[]? handles) => handles is null ? 0 : 64L * handles.Length;

    private static long PayloadSize(object? payload) => payload switch
    {
        byte[] bytes => bytes.Length,
        string text => 2L * text.Length,
        null => 0,
        _ => 256,
    };

    /// <summary>Handles the inner message of a relayed one as sent by its origin, vouched for by the relay only.</summary>
    private void DispatchRelayed(Relayed relayed, IOverlayMessage inner)
    {
        var outer = _arrivedVia;
        _arrivedVia = (relayed.Origin, relayed.Relay);
        try
        {
            Dispatch(inner);
        }
        finally
        {
            _arrivedVia = outer;
        }
    }

    /// <summary>
    /// True when a relayed message's inner message claims the relayed message's origin as its sender: a relay
    /// carries an origin's own messages, not messages in another node's name.
    /// </summary>
    private bool InnerComesFromOrigin(Relayed relayed, IOverlayMessage inner) =>
        ClaimedSender(inner) is { } claimed && claimed == relayed.Origin;
}
