using Akka.Actor;
using ePost.Core.Ids;

namespace ePost.Overlay.Network;

/// <summary>
/// The sender of one message as the transport proved it: the address it came from and, when the transport
/// authenticates peers, the certified node id proven on that connection.
/// </summary>
/// <param name="Address">The transport address the message arrived from.</param>
/// <param name="Node">The node id proven by the transport, or null when the transport does not authenticate
/// (plain TCP with <c>epost.transport.tls = off</c>, unit tests of the engine).</param>
public readonly record struct AuthenticatedPeer(string Address, RingId? Node);

/// <summary>
/// Tells which certified node the transport proved is at an address. Implemented by the node's authenticated
/// transport; the overlay asks it for the sender of every message it receives.
/// </summary>
public interface IPeerAuthenticator
{
    /// <summary>The node id proven for connections from <paramref name="address"/>, or null when none is proven.</summary>
    RingId? NodeAt(Address address);
}
