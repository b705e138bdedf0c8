using ePost.Overlay.Liveness;
using ePost.Overlay.Routing;

namespace ePost.Overlay.Node;

public sealed partial class PastryNode
{
    private int _parkedRoutes;

    private void OnRoute(RouteMessage message)
    {
        if (!IsAcceptable(message.Origin) || !IsAcceptable(message.Sender) || message.Payload is null)
        {
            Drop("malformed routed message");
            return;
        }
        if (message.Hops > _settings.MaxHops)
        {
            Drop($"routed message for {message.Key.ToShortString()} exceeded {_settings.MaxHops} hops");
            return;
        }
        Heard(message.Sender);
        Acknowledge(message.Sender, message.HopNonce);
        if (!IsReady)
        {
            // Only ready nodes enter anyone's tables, so the sender's view is stale (this node restarted and is
            // rejoining). Delivering here could be wrong; the sender's liveness checks will route around us.
            Drop("routed message reached a node that is not ready");
            return;
        }
        Forward(message);
    }

    private void Forward(RouteMessage message)
    {
        var next = NextHop.For(message.Key, LeafSet, Table, IsUsable);
        if (next is null)
        {
            // Deliver only as the undisputed root: with leases from both neighbours, and no closer node that is
            // merely suspected (it may well be alive; its verdict comes within a detection time).
            if (MayDeliverAsRoot(message.Key)) DeliverHere(message);
            else Hold(message);
            return;
        }
        // Only leaf-set members are probed every round; a routing-table entry may have died unnoticed. Rather
        // than lose the message into a stale entry, hold it until the entry answers a probe, and reroute it at
        // the first timeout. Beyond the bound, messages go unguarded as before.
        if (HopInDoubt(next) is { } peer && _parkedRoutes < _settings.MaxQueuedRoutes)
        {
            (peer.Parked ??= new()).Add(message);
            _parkedRoutes++;
            return;
        }
        SendHop(next, message);
    }

    private void SendHop(NodeHandle next, RouteMessage message) =>
        SendTracked(next, new InFlight(message, null, next));

    /// <summary>Sends on the messages held for a hop once it answered, or reroutes them once it did not.</summary>
    private void ReleaseParked(PeerState peer, bool reachable)
    {
        if (peer.Parked is not { } parked) return;
        peer.Parked = null;
        _parkedRoutes -= parked.Count;
        foreach (var message in parked)
        {
            if (reachable) SendHop(peer.Handle, message);
            else Forward(message);
        }
    }

    private void DeliverHere(RouteMessage message)
    {
        if (message.Payload is LookupProbe probe)
        {
            var reply = new LookupReply(Self, message.Key, probe.RequestId, message.Hops);
            if (message.Origin.Id == Self.Id) _host.LookupCompleted(probe.RequestId, message.Key, Self, message.Hops);
            else Send(message.Origin.Address, reply, maintenance: false);
            return;
        }
        _host.Deliver(message.Key, message.Payload, message.Origin, message.Hops);
    }

    private void OnDirect(DirectMessage message)
    {
        if (!IsAcceptable(message.From) || message.Payload is null) { Drop("malformed direct message"); return; }
        Heard(message.From);
        _host.DeliverDirect(message.From, message.Payload);
    }

    private void OnLookupReply(LookupReply reply)
    {
        if (!IsAcceptable(reply.Root)) { Drop("malformed lookup reply"); return; }
        Heard(reply.Root);
        _host.LookupCompleted(reply.RequestId, reply.Key, reply.Root, reply.Hops);
    }
}
