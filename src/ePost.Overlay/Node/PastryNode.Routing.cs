using ePost.Overlay.Routing;

namespace ePost.Overlay.Node;

public sealed partial class PastryNode
{
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
            DeliverHere(message);
            return;
        }
        CheckRouteHop(next);
        Send(next.Address, message with { Sender = Self, Hops = message.Hops + 1 }, maintenance: false);
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
