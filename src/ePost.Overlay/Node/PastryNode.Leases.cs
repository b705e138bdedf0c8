using ePost.Core.Ids;
using ePost.Overlay.Liveness;
using ePost.Overlay.Routing;

namespace ePost.Overlay.Node;

public sealed partial class PastryNode
{
    private readonly Dictionary<RingId, TimeSpan> _leaseUntil = new();
    private readonly Queue<(RouteMessage Message, TimeSpan Since)> _held = new();

    /// <summary>Routed messages held because this node lacks a neighbour's lease to deliver them as root.</summary>
    public int HeldForLeases => _held.Count;

    /// <summary>
    /// True while this node holds unexpired leases from both immediate neighbours (or is alone): only then may it
    /// deliver as the root of a key. A neighbour that saw someone else between us would not have granted one.
    /// </summary>
    public bool HoldsNeighbourLeases
    {
        get
        {
            if (LeafSet.IsEmpty) return true;
            return HasLease(LeafSet.Successor) && HasLease(LeafSet.Predecessor);
        }
    }

    /// <summary>Leases from both neighbours, no closer node that is only suspected, and none still being verified after our join.</summary>
    private bool MayDeliverAsRoot(RingId key) =>
        HoldsNeighbourLeases && LeafSet.Closest(key).Id == Self.Id && !VerifyingCloserNode(key);

    private bool HasLease(NodeHandle? neighbour) =>
        neighbour is null || _leaseUntil.TryGetValue(neighbour.Id, out var until) && until > _host.Now;

    /// <summary>Does this prober sit right next to us? Then our reply grants it a lease.</summary>
    private bool GrantsLease(NodeHandle prober) =>
        LeafSet.Successor?.Id == prober.Id || LeafSet.Predecessor?.Id == prober.Id;

    /// <summary>Records a lease granted in a reply to our probe, timed from when we sent that probe.</summary>
    private void TakeLease(ProbeReply reply, PeerState? peer)
    {
        if (!reply.Lease) return;
        TimeSpan sentAt;
        // Not the pending nonce: the neighbour's own probe may have arrived first and cleared it.
        if (peer is not null && peer.LastProbeNonce == reply.Nonce) sentAt = peer.LastProbeSentAt;
        else if (_relayProbes.TryGetValue(reply.Nonce, out var relayed) && relayed.Target == reply.From.Id) sentAt = relayed.SentAt;
        else return;
        var until = sentAt + _settings.LeaseDuration;
        if (!_leaseUntil.TryGetValue(reply.From.Id, out var current) || until > current) _leaseUntil[reply.From.Id] = until;
        if (_held.Count > 0 && HoldsNeighbourLeases) ReleaseHeld();
    }

    private RingId? _leasedSuccessor, _leasedPredecessor;

    /// <summary>New immediate neighbours are asked for a lease at once rather than at the next probe round.</summary>
    private void ProbeNewNeighbours()
    {
        var successor = LeafSet.Successor;
        var predecessor = LeafSet.Predecessor;
        if (successor?.Id != _leasedSuccessor) ProbeIfIdle(successor);
        if (predecessor?.Id != _leasedPredecessor) ProbeIfIdle(predecessor);
        _leasedSuccessor = successor?.Id;
        _leasedPredecessor = predecessor?.Id;
    }

    /// <summary>We would deliver this as root but lack a neighbour's lease: hold it and ask the neighbours now.</summary>
    private void Hold(RouteMessage message)
    {
        if (_held.Count >= _settings.MaxQueuedRoutes)
        {
            Drop("held-message queue full");
            return;
        }
        _held.Enqueue((message, _host.Now));
        if (!HasLease(LeafSet.Successor)) ProbeIfIdle(LeafSet.Successor);
        if (!HasLease(LeafSet.Predecessor)) ProbeIfIdle(LeafSet.Predecessor);
    }

    /// <summary>Routes held messages again: the leaf set may have changed, so they may now go elsewhere.</summary>
    private void ReleaseHeld()
    {
        var now = _host.Now;
        for (var count = _held.Count; count > 0; count--)
        {
            var (message, since) = _held.Dequeue();
            if (now - since > _settings.MaxHold)
            {
                Drop($"held {message.Key.ToShortString()} without neighbour leases for {_settings.MaxHold}");
                continue;
            }
            var next = NextHop.For(message.Key, LeafSet, Table, IsUsable);
            if (next is null && !MayDeliverAsRoot(message.Key)) _held.Enqueue((message, since));
            else Forward(message);
        }
    }
}
