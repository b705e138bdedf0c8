using ePost.Core.Ids;

namespace ePost.Overlay;

/// <summary>How to reach a ring member: its id, its transport address, and the epoch of the process at that address.</summary>
/// <remarks>
/// The epoch grows each time a node process starts, so a node restarted at the same address is recognised as a
/// new incarnation and anything remembered about the old one (its death, its routes) is dropped.
/// </remarks>
/// <param name="Id">The node id: the first 160 bits of SHA-256 of the node's public key.</param>
/// <param name="Address">A transport address (an Akka address such as <c>akka.tcp://epost@10.0.0.5:4000</c>, or a simulator address).</param>
/// <param name="Epoch">The incarnation number of the process at that address.</param>
public sealed record NodeHandle(RingId Id, string Address, long Epoch)
{
    /// <summary>Short form for logs: id prefix and address.</summary>
    public override string ToString() => $"{Id.ToShortString()}@{Address}#{Epoch}";

    /// <summary>True when <paramref name="other"/> is a later incarnation of the same node id.</summary>
    public bool IsSupersededBy(NodeHandle other) =>
        other.Id == Id && (other.Epoch > Epoch || (other.Epoch == Epoch && other.Address != Address));
}
