using ePost.Core.Ids;
using ePost.Overlay.Liveness;

namespace ePost.Overlay.Node;

public sealed partial class PastryNode
{
    private readonly Dictionary<string, (NodeHandle Relay, NodeHandle Target, TimeSpan Since)> _routes = new(StringComparer.Ordinal);
    private readonly Dictionary<long, (RingId Target, NodeHandle Relay, long Round, TimeSpan SentAt)> _relayProbes = new();

    /// <summary>The relay currently used to reach a node, or null when it is reached directly.</summary>
    public NodeHandle? RelayFor(NodeHandle node) => RouteTo(node.Address)?.Relay;

    /// <summary>The fresh cached route to an address, if any (expired routes are dropped: the direct path gets another chance).</summary>
    private (NodeHandle Relay, NodeHandle Target)? RouteTo(string address)
    {
        if (_routes.Count == 0 || !_routes.TryGetValue(address, out var route)) return null;
        if (_host.Now - route.Since <= _settings.RouteLifetime) return (route.Relay, route.Target);
        _routes.Remove(address);
        return null;
    }

    /// <summary>
    /// The direct path to a node failed: probe it through up to max-relays leaf-set members at once. Returns false
    /// when there is no relay to try (the caller then declares the node dead).
    /// </summary>
    private bool StartRelayRound(PeerState peer)
    {
        // Direct probes of later rounds may time out while relays are still being tried: let that round finish.
        if (peer.RelayRound != 0) return true;
        _routes.Remove(peer.Handle.Address);
        var relays = LeafSet.Members
            .Where(m => m.Id != peer.Handle.Id && IsUsable(m) && !_failed.ContainsKey(m.Id) && RouteTo(m.Address) is null)
            .OrderBy(_ => _host.Random.Next())
            .Take(_settings.MaxRelays)
            .ToList();
        if (relays.Count == 0) return false;
        var round = ++_nextNonce;
        peer.RelayRound = round;
        foreach (var relay in relays)
        {
            var nonce = ++_nextNonce;
            _relayProbes[nonce] = (peer.Handle.Id, relay, round, _host.Now);
            Counters.Sent++;
            Counters.MaintenanceSent++;
            _network.Send(relay.Address, new Relayed(Self, relay, peer.Handle, new Probe(Self, nonce, LeafSetArray())));
        }
        _host.StartTimer(new RelayRoundTimeout(peer.Handle.Id, round), _settings.RelayTimeout);
        return true;
    }

    private void OnRelayRoundTimeout(RelayRoundTimeout timeout)
    {
        if (!_peers.TryGetValue(timeout.Peer, out var peer) || peer.RelayRound != timeout.Round) return;
        EndRelayRound(peer);
        if (peer.Candidate && !IsInTables(peer.Handle)) Forget(peer.Handle);
        else DeclareDead(peer.Handle);
    }

    private void EndRelayRound(PeerState peer)
    {
        if (peer.RelayRound == 0) return;
        _host.CancelTimer(new RelayRoundTimeout(peer.Handle.Id, peer.RelayRound));
        foreach (var (nonce, probe) in _relayProbes.ToList())
            if (probe.Round == peer.RelayRound) _relayProbes.Remove(nonce);
        peer.RelayRound = 0;
    }

    /// <summary>
    /// An answer to one of our relayed probes, from the target itself and through the relay we sent that probe by:
    /// that relay becomes the route to the node. Nothing else re-points a route (not a <see cref="Relayed"/> message
    /// naming a relay, nor the answer to a relayed probe arriving another way).
    /// </summary>
    private void AdoptRelayRoute(ProbeReply reply)
    {
        if (_relayProbes.Count == 0 || _arrivedVia is not { } via || !_relayProbes.TryGetValue(reply.Nonce, out var probe)
            || probe.Target != reply.From.Id || via.Relay != probe.Relay) return;
        _relayProbes.Remove(reply.Nonce);
        _routes[reply.From.Address] = (probe.Relay, reply.From, _host.Now);
    }

    private void OnRelayed(Relayed relayed)
    {
        if (!IsAcceptable(relayed.Origin) || !IsAcceptable(relayed.Relay) || !IsAcceptable(relayed.Target)
            || relayed.Inner is not IOverlayMessage inner || inner is Relayed || relayed.Origin.Id == relayed.Target.Id)
        {
            Drop("malformed relayed message");
            return;
        }
        // The relay (as target) or the origin (as relay) is the proven sender; the inner message must be the origin's own.
        if (!InnerComesFromOrigin(relayed, inner))
        {
            Forged($"relayed {inner.GetType().Name} does not come from its origin {relayed.Origin}");
            return;
        }
        if (relayed.Target.Id == Self.Id)
        {
            // The origin could not reach us directly: we answer this message the same way. Our own traffic to the
            // origin takes a relay only once our own relayed probe is answered (AdoptRelayRoute).
            DispatchRelayed(relayed, inner);
            return;
        }
        if (relayed.Relay.Id != Self.Id)
        {
            Drop("relayed message meant for another relay");
            return;
        }
        // A relay carries traffic only between members: the origin proved itself on this connection, and the target
        // must be exactly a node of our own tables, so nobody can use us to reach an address of their choosing.
        if (!IsInTables(relayed.Target))
        {
            Drop("relay refuses to forward to a node that is not a member it knows");
            return;
        }
        Heard(relayed.Origin);
        if (_failed.ContainsKey(relayed.Target.Id) || _peers.TryGetValue(relayed.Target.Id, out var target) && target.Suspected)
        {
            Drop("relay refuses to forward to a node it believes dead");
            return;
        }
        Counters.Sent++;
        if (inner is not Routing.RouteMessage and not Routing.DirectMessage and not Routing.LookupReply) Counters.MaintenanceSent++;
        _network.Send(relayed.Target.Address, relayed);
    }
}
