using ePost.Overlay.Join;
using ePost.Overlay.Routing;

namespace ePost.Overlay.Node;

public sealed partial class PastryNode
{
    private readonly Dictionary<long, InFlight> _inFlight = new();

    /// <summary>A routed message or join handed to <paramref name="Next"/> and not yet acknowledged.</summary>
    private sealed record InFlight(RouteMessage? Route, JoinRequest? Join, NodeHandle Next);

    /// <summary>Messages sent one hop on and not yet acknowledged.</summary>
    public int InFlightHops => _inFlight.Count;

    /// <summary>
    /// Sends a routed message or join one hop on and waits for the hop's acknowledgement; without one within the
    /// hop's timeout, the hop is suspected and the message takes another route. A dead routing-table entry then
    /// costs one timeout, not the message (or a joiner stuck for ever behind a dead hop).
    /// </summary>
    private void SendTracked(NodeHandle next, InFlight flight)
    {
        var nonce = ++_nextNonce;
        _inFlight[nonce] = flight;
        IOverlayMessage message = flight.Route is { } route
            ? route with { Sender = Self, Hops = route.Hops + 1, HopNonce = nonce }
            : flight.Join! with { Sender = Self, Hops = flight.Join!.Hops + 1, HopNonce = nonce };
        _host.StartTimer(new HopAckTimeout(nonce), PeerFor(next).Rtt.TimeoutFor(0));
        Send(next.Address, message, maintenance: flight.Join is not null);
    }

    /// <summary>Acknowledges a hop to the node that sent it (nonce 0: nobody asked).</summary>
    private void Acknowledge(NodeHandle sender, long nonce)
    {
        if (nonce != 0 && sender.Id != Self.Id) Send(sender.Address, new HopAck(Self, nonce), maintenance: false);
    }

    private void OnHopAck(HopAck ack)
    {
        if (!IsAcceptable(ack.From) || !_inFlight.TryGetValue(ack.Nonce, out var flight) || flight.Next.Id != ack.From.Id)
        {
            Drop("acknowledgement of nothing we sent");
            return;
        }
        _inFlight.Remove(ack.Nonce);
        _host.CancelTimer(new HopAckTimeout(ack.Nonce));
        Heard(ack.From);
    }

    private void OnHopAckTimeout(HopAckTimeout timeout)
    {
        if (!_inFlight.Remove(timeout.Nonce, out var flight)) return;
        // Suspect the hop (routing now avoids it) and let the probe decide whether it lives.
        var peer = PeerFor(flight.Next);
        if (peer.PendingNonce == 0)
        {
            peer.Attempts = Math.Max(peer.Attempts, 1);
            SendProbe(peer);
        }
        if (flight.Route is { } route)
        {
            var again = route with { Hops = route.Hops + 1 };
            if (again.Hops > _settings.MaxHops) Drop($"routed message for {route.Key.ToShortString()} lost its hops too often");
            else Forward(again);
        }
        else if (flight.Join is { } join)
        {
            var again = join with { Hops = join.Hops + 1 };
            if (again.Hops > _settings.MaxHops) Drop("join request lost its hops too often");
            else RouteJoin(again);
        }
    }
}
