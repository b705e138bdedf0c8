using Akka.Actor;
using ePost.Core.Wire;

namespace ePost.Storage.Wire;

/// <summary>The storage wire protocol: stable manifests for every message storage nodes exchange.</summary>
public sealed class StorageSerializer(ExtendedActorSystem system) : WireSerializer(system, Protocol)
{
    /// <summary>Serializer id 1002 and the manifests; never reuse or renumber a manifest.</summary>
    public static readonly WireProtocol Protocol = new WireProtocol(1002, "storage")
        .Add<ObjectChunk>("och")
        .Add<InsertAck>("ins")
        .Add<ReplicaAck>("rpa")
        .Add<FetchRequest>("fq")
        .Add<FetchStatus>("fst")
        .Add<RenewRequest>("rnq")
        .Add<RenewAck>("rna")
        .Add<RepairDigest>("rdg")
        .Add<RepairOffer>("rof")
        .Add<Replication.ClientPut>("cput")
        .Add<Replication.ClientPutResult>("cputr")
        .Add<Replication.ClientGet>("cget")
        .Add<Replication.ClientGetResult>("cgetr")
        .Add<Replication.ClientListHeld>("cheld")
        .Add<Replication.ClientHeldIds>("cheldr")
        .Add<ArcQuery>("arcq")
        .Add<ArcAnswer>("arca");
}
