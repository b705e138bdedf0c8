using Akka.Actor;
using Akka.Remote;
using Akka.Remote.Transport;
using ePost.Core.Ids;
using ePost.Node.Hosting;
using ePost.Overlay.Routing;

namespace ePost.Node.Tests;

/// <summary>A network partition between real ActorSystems (Akka's throttler blackhole), then its healing.</summary>
[Collection(HeavyTests.Name)]
public sealed class PartitionHealingTests
{
    private const string Throttled = "akka.remote.dot-netty.tcp.applied-adapters = [trttl]";

    [Fact]
    public async Task Eight_nodes_split_five_three_form_two_rings_and_merge_into_one_when_the_network_heals()
    {
        await using var ring = new LocalRing();
        for (var i = 0; i < 8; i++) await ring.AddAsync(Throttled);
        await Eventually.True(async () => await ring.WrongLeafSetsAsync() == 0, TimeSpan.FromSeconds(60), "ring did not converge", ring.DescribeWrongLeafSetsAsync);

        var big = ring.Nodes.Take(5).ToList();
        var small = ring.Nodes.Skip(5).ToList();
        await SetLinks(big, small, Blackhole.Instance);

        await Eventually.True(async () => await EachSideIsItsOwnRing(ring, big, small), TimeSpan.FromSeconds(60),
            "the two sides did not each form a correct ring of their own");

        await SetLinks(big, small, Unthrottled.Instance);
        await Eventually.True(async () => await ring.WrongLeafSetsAsync() == 0, TimeSpan.FromSeconds(60),
            "the rings did not merge after the partition ended", ring.DescribeWrongLeafSetsAsync);

        var random = new Random(8);
        for (var i = 0; i < 200; i++)
        {
            var key = RingId.Random(random);
            var answer = await ring.Nodes[random.Next(ring.Nodes.Count)].FindRootAsync(key);
            Assert.Equal(ring.TrueRoot(key), answer.Root.Id);
        }
    }

    [Fact]
    public async Task With_only_the_link_between_two_nodes_blocked_nobody_drops_either_and_traffic_between_them_takes_a_relay()
    {
        await using var ring = new LocalRing();
        for (var i = 0; i < 6; i++) await ring.AddAsync(Throttled);
        await Eventually.True(async () => await ring.WrongLeafSetsAsync() == 0, TimeSpan.FromSeconds(60), "ring did not converge", ring.DescribeWrongLeafSetsAsync);
        var a = ring.Nodes[2];
        var b = ring.Nodes[4];

        await SetLinks([a], [b], Blackhole.Instance);
        // Long enough for B to give up on the direct path several times over.
        await Task.Delay(ring.Settings.WorstCaseDetection * 3);

        Assert.Equal(0, await ring.WrongLeafSetsAsync());
        var aId = a.Identity.Id;
        for (var i = 0; i < 20; i++)
        {
            var key = aId + RingId.FromFraction(i, 1 << 30);
            if (ring.TrueRoot(key) != aId) continue;
            var found = await b.FindRootAsync(key);
            Assert.Equal(aId, found.Root.Id);
        }
        await SetLinks([a], [b], Unthrottled.Instance);
    }

    internal static async Task<bool> EachSideIsItsOwnRing(LocalRing ring, List<NodeHost> big, List<NodeHost> small)
    {
        foreach (var side in new[] { big, small })
        {
            var statuses = await Task.WhenAll(side.Select(n => n.StatusAsync()));
            var ids = statuses.Select(s => s.Self.Id).ToList();
            if (!statuses.All(s => RingTruth.IsCorrect(ids, s, ring.Settings.LeafSetSize / 2))) return false;
        }
        return true;
    }

    internal static async Task SetLinks(List<NodeHost> a, List<NodeHost> b, ThrottleMode mode)
    {
        foreach (var x in a)
        foreach (var y in b)
        {
            await Transport(x).ManagementCommand(new SetThrottle(Address.Parse(y.Address), ThrottleTransportAdapter.Direction.Both, mode));
            await Transport(y).ManagementCommand(new SetThrottle(Address.Parse(x.Address), ThrottleTransportAdapter.Direction.Both, mode));
        }
    }

    private static RemoteTransport Transport(NodeHost node) =>
        ((IRemoteActorRefProvider)((ExtendedActorSystem)node.System).Provider).Transport;
}
