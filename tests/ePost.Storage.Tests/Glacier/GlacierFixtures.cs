using ePost.Core.Erasure;
using ePost.Storage.Glacier;
using ePost.Storage.Leases;
using ePost.Storage.Objects;
using ePost.Storage.Tests.Support;

namespace ePost.Storage.Tests.Glacier;

/// <summary>Containers and manifests for Glacier tests.</summary>
public static class GlacierFixtures
{
    /// <summary>The copy of <paramref name="manifest"/> that carries fragment <paramref name="index"/>'s Merkle path.</summary>
    public static FragmentManifest At(this FragmentManifest manifest, byte[][] fragments, int index) => manifest.ForEveryFragment(fragments)![index];

    /// <summary>A container of <paramref name="count"/> blocks, cut with (n, m), with its manifest signed by Alice.</summary>
    public static (byte[] Container, byte[][] Fragments, FragmentManifest Manifest) Encoded(int count = 5, int n = 8, int m = 3, int seed = 1)
    {
        var members = Enumerable.Range(0, count).Select(i => new ContainerMember(TestObjects.Block(seed * 1000 + i, 200 + i), LeaseDuration.FromDays(30))).ToList();
        var container = ContainerCodec.Pack(members);
        var fragments = new ErasureCodec(n, m).Encode(container);
        var manifest = FragmentManifest.Create(TestObjects.Alice, Core.Hashing.Sha256.Hash(container), n, m, container.Length,
            fragments, LeaseDuration.FromDays(30))[0];
        return (container, fragments, manifest);
    }

    /// <summary>
    /// A manifest by <paramref name="forger"/> that claims <paramref name="containerId"/> (someone else's container),
    /// validly signed by the forger: what a hostile node can produce. Only the id binding refuses it.
    /// </summary>
    public static byte[] ForgedFor(Core.Ids.RingId containerId, Core.Crypto.Ed25519KeyPair forger, FragmentManifest template)
    {
        var fragments = Enumerable.Range(0, template.N).Select(_ => new byte[template.FragmentSize]).ToList();
        var forged = FragmentManifest.Create(forger, template.ContentHash.Span, template.N, template.M, template.ContainerLength, fragments,
            LeaseDuration.Maximum, version: 9)[template.Index].Encode();
        containerId.WriteBytes(forged.AsSpan(5));
        forger.Sign(forged.AsSpan(0, FragmentManifest.SignedLength)).CopyTo(forged, FragmentManifest.SignedLength);
        return forged;
    }
}
