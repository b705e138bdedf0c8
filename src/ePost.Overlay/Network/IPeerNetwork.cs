namespace ePost.Overlay.Network;

/// <summary>
/// The one way a node sends to peers. Akka.Remote implements it in production, the simulator in large tests,
/// so the same protocol code runs in both. Sends are fire-and-forget: loss is detected by the protocols above.
/// </summary>
public interface IPeerNetwork
{
    /// <summary>Sends a message to the node at a transport address.</summary>
    void Send(string address, IOverlayMessage message);

    /// <summary>True when the text is a well-formed address of this network (malformed peers are dropped early).</summary>
    bool IsValidAddress(string address);
}
