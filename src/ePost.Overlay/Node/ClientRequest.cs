namespace ePost.Overlay.Node;

/// <summary>
/// An operator tool's request to a node (<c>epost store</c>), sent to the node's one entry point, the overlay, which
/// hands <paramref name="Request"/> to the local service registered for its type (<see cref="RegisterClientService"/>).
/// The service answers the tool directly. Requests of unregistered types are dropped and counted.
/// </summary>
public sealed record ClientRequest(object Request) : IOverlayMessage;
