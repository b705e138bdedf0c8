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
