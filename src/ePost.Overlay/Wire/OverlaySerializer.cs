using Akka.Actor;
using ePost.Core.Wire;
using ePost.Overlay.Join;
using ePost.Overlay.Liveness;
using ePost.Overlay.Node;
using ePost.Overlay.Routing;

namespace ePost.Overlay.Wire;

/// <summary>The overlay's wire protocol: stable manifests for every message nodes exchange.</summary>
public sealed class OverlaySerializer(ExtendedActorSystem system) : WireSerializer(system, Protocol)
{
    /// <summary>Serializer id 1001 and the manifests; never reuse or renumber a manifest.</summary>
    public static readonly WireProtocol Protocol = new WireProtocol(1001, "overlay")
        .Add<JoinRequest>("jreq")
        .Add<JoinAccepted>("jacc")
        .Add<JoinRejected>("jrej")
        .Add<Announce>("ann")
        .Add<Probe>("prb")
        .Add<ProbeReply>("prr")
        .Add<LeafSetInfo>("lsi")
        .Add<Relayed>("rly")
        .Add<RouteMessage>("rt")
        .Add<DirectMessage>("dm")
        .Add<LookupProbe>("lkp")
        .Add<LookupReply>("lkr")
        .Add<RowRequest>("rowq")
        .Add<RowReply>("rowr")
        .Add<HopAck>("hack")
        .Add<GetNodeStatus>("stq")
        .Add<NodeStatus>("sts")
        .Add<ClientRequest>("creq");
}
