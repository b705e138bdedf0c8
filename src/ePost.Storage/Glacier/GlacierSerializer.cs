using Akka.Actor;
using ePost.Core.Wire;

namespace ePost.Storage.Glacier;

/// <summary>The Glacier wire protocol: stable manifests for every message fragment holders exchange.</summary>
public sealed class GlacierSerializer(ExtendedActorSystem system) : WireSerializer(system, Protocol)
{
    /// <summary>Serializer id 1010 and the manifests; never reuse or renumber a manifest.</summary>
    public static readonly WireProtocol Protocol = new WireProtocol(1010, "glacier")
        .Add<FragmentChunk>("gch")
        .Add<FragmentStored>("gst")
        .Add<FragmentQuery>("gq")
        .Add<FragmentAnswer>("gan")
        .Add<FragmentRenewal>("grn");
}
