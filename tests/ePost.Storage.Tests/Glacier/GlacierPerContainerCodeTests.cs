using ePost.Storage.Glacier;
using ePost.Storage.Leases;
using ePost.Storage.Objects;
using ePost.Storage.Tests.Support;

namespace ePost.Storage.Tests.Glacier;

/// <summary>
/// Glacier with its default code policy, a code per container: a few small mails and a full container get different
/// (n, m), each the cheapest meeting the loss target for its size, and both restore from another node.
/// </summary>
public sealed class GlacierPerContainerCodeTests : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly GlacierRing _ring;

    public GlacierPerContainerCodeTests() : base(GlacierRing.Config("epost.glacier.code { fragments = 0, needed = 0 }\nepost.glacier.container.max-objects = 400"))
    {
        _ring = new GlacierRing(Sys, 12);
        AwaitCondition(() => _ring.AllRegistered, TimeSpan.FromSeconds(10));
    }

    private object Ask(GlacierRing.Member node, object command)
    {
        node.Glacier.Tell(command, TestActor);
        return ExpectMsg<object>(TimeSpan.FromSeconds(60));
    }

    private static List<StoredObject> Blocks(int count, int seed, int size) =>
        Enumerable.Range(0, count).Select(i => (StoredObject)TestObjects.Block(seed * 10_000 + i, size)).ToList();

    [Fact]
    public void A_small_and_a_full_container_each_get_the_cheapest_code_for_their_size_and_both_restore()
    {
        var small = Blocks(2, 1, 500);
        var full = Blocks(300, 2, 3000);

        var smallRef = Assert.IsType<Archived>(Ask(_ring.Nodes[0], new Archive(small, LeaseDuration.FromDays(30)))).Containers.Single();
        var fullRefs = Assert.IsType<Archived>(Ask(_ring.Nodes[0], new Archive(full, LeaseDuration.FromDays(30)))).Containers;

        Assert.True(smallRef.N < fullRefs[0].N, $"small ({smallRef.N}, {smallRef.M}) and full ({fullRefs[0].N}, {fullRefs[0].M})");
        Assert.Equal(_ring.Settings.CodeFor(_ring.Settings.ContainerMaxBytes).N, fullRefs[0].N);
        var restoredSmall = Assert.IsType<Restored>(Ask(_ring.Nodes[7], new Restore(smallRef))).Objects;
        Assert.Equal(small.Count, restoredSmall.Count);
        var restoredFull = fullRefs.SelectMany(r => Assert.IsType<Restored>(Ask(_ring.Nodes[9], new Restore(r))).Objects).ToList();
        Assert.Equal(full.Count, restoredFull.Count);
        for (var i = 0; i < full.Count; i++) Assert.True(restoredFull[i].SameBytesAs(full[i]));
    }

    void IDisposable.Dispose()
    {
        Shutdown();
        _ring.Dispose();
    }
}
