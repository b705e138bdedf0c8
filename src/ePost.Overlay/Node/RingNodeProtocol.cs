using Akka.Actor;
using ePost.Core.Ids;

namespace ePost.Overlay.Node;

/// <summary>Local requests to the <see cref="RingNode"/> actor (never sent between nodes).</summary>
public interface IRingNodeCommand : INoSerializationVerificationNeeded;

/// <summary>Route <paramref name="Payload"/> (a bound wire message) to the root of <paramref name="Key"/>.</summary>
public sealed record RouteTo(RingId Key, object Payload) : IRingNodeCommand;

/// <summary>Send <paramref name="Payload"/> straight to a known node.</summary>
public sealed record SendTo(NodeHandle To, object Payload) : IRingNodeCommand;

/// <summary>Find the root of a key; answered with <see cref="RootFound"/> or <see cref="RootNotFound"/>.</summary>
public sealed record FindRoot(RingId Key) : IRingNodeCommand;

/// <summary>The live node currently responsible for <paramref name="Key"/>, reached in <paramref name="Hops"/> hops.</summary>
public sealed record RootFound(RingId Key, NodeHandle Root, int Hops) : INoSerializationVerificationNeeded;

/// <summary>No answer within the lookup timeout (or the node could not queue the lookup).</summary>
public sealed record RootNotFound(RingId Key, string Reason) : INoSerializationVerificationNeeded;

/// <summary>Deliver routed and direct payloads of type <paramref name="PayloadType"/> (or derived) to <paramref name="Handler"/>.</summary>
public sealed record RegisterApplication(Type PayloadType, IActorRef Handler) : IRingNodeCommand;

/// <summary>Send every <see cref="OverlayEvent"/> of this node to <paramref name="Subscriber"/>.</summary>
public sealed record SubscribeOverlayEvents(IActorRef Subscriber) : IRingNodeCommand;

/// <summary>A routed payload arrived here as the root of its key.</summary>
public sealed record Delivered(RingId Key, object Payload, NodeHandle Origin, int Hops) : INoSerializationVerificationNeeded;

/// <summary>A payload sent directly to this node.</summary>
public sealed record DirectDelivered(NodeHandle From, object Payload) : INoSerializationVerificationNeeded;

/// <summary>Hand <see cref="ClientRequest"/>s carrying a <paramref name="RequestType"/> (exactly that type) to <paramref name="Handler"/>, with the tool as sender.</summary>
public sealed record RegisterClientService(Type RequestType, IActorRef Handler) : IRingNodeCommand;

/// <summary>Asks for a copy of the node's <see cref="OverlayCounters"/> (answered with an <see cref="OverlayCounters"/> that does not change).</summary>
public sealed record GetOverlayCounters : IRingNodeCommand
{
    /// <summary>The one instance.</summary>
    public static readonly GetOverlayCounters Instance = new();
}
