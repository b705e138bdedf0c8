using Akka.Actor;

namespace ePost.Overlay.Network;

/// <summary>
/// <see cref="IPeerNetwork"/> over Akka.Remote: a peer address is an Akka address, and the message goes to the
/// overlay actor at the same path on that system. Plain user messages only: no remote DeathWatch or deployment,
/// which would quarantine peers behind the overlay's back.
/// </summary>
internal sealed class AkkaPeerNetwork(ExtendedActorSystem system, IActorRef self, string overlayPath) : IPeerNetwork
{
    private const int MaxCachedPeers = 4096;
    private readonly Dictionary<string, IActorRef> _peers = new(StringComparer.Ordinal);

    public void Send(string address, IOverlayMessage message)
    {
        if (!_peers.TryGetValue(address, out var peer))
        {
            if (!IsValidAddress(address)) return;
            if (_peers.Count >= MaxCachedPeers) _peers.Clear();
            peer = system.Provider.ResolveActorRef(address + overlayPath);
            _peers[address] = peer;
        }
        peer.Tell(message, self);
    }

    // Every handle of every incoming message is checked, so a known peer's address is not parsed again: it was
    // validated before it was cached.
    public bool IsValidAddress(string address) =>
        _peers.ContainsKey(address) || address.Length is > 0 and <= 512
        && ActorPath.TryParseAddress(address, out var parsed)
        && parsed.Protocol.StartsWith("akka", StringComparison.Ordinal)
        && parsed.ToString() == address;
}
