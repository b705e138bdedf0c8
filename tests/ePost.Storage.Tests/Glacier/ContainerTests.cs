using ePost.Storage.Glacier;
using ePost.Storage.Leases;
using ePost.Storage.Tests.Support;

namespace ePost.Storage.Tests.Glacier;

public class ContainerTests
{
    [Fact]
    public void A_container_unpacks_to_its_members_with_their_leases_in_order()
    {
        var members = new[]
        {
            new ContainerMember(TestObjects.Block(1), LeaseDuration.FromDays(3)),
            new ContainerMember(TestObjects.Head(7), LeaseDuration.FromDays(60)),
            new ContainerMember(TestObjects.Block(2, 5000), LeaseDuration.FromDays(10)),
        };
        var unpacked = ContainerCodec.Unpack(ContainerCodec.Pack(members), 1 << 20);
        Assert.Equal(3, unpacked.Count);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(unpacked[i].Object.SameBytesAs(members[i].Object));
            Assert.Equal(members[i].Lease, unpacked[i].Lease);
        }
        Assert.Equal(LeaseDuration.FromDays(60), Aggregator.LeaseOf(members));
    }

    [Fact]
    public void Two_containers_of_the_same_objects_get_different_bytes_and_so_different_ids()
    {
        var members = new[] { new ContainerMember(TestObjects.Block(1), LeaseDuration.FromDays(3)) };
        Assert.NotEqual(Core.Hashing.Sha256.Hash(ContainerCodec.Pack(members)), Core.Hashing.Sha256.Hash(ContainerCodec.Pack(members)));
    }

    [Theory]
    [InlineData(0)]     // magic
    [InlineData(4)]     // format
    [InlineData(21)]    // count
    [InlineData(32)]    // first member's length
    [InlineData(60)]    // inside the first object (its id no longer matches)
    public void A_damaged_container_is_refused_not_half_read(int offset)
    {
        var bytes = ContainerCodec.Pack([new ContainerMember(TestObjects.Block(1), LeaseDuration.FromDays(3)), new ContainerMember(TestObjects.Block(2), LeaseDuration.FromDays(3))]);
        bytes[offset] ^= 0x40;
        Assert.Throws<InvalidDataException>(() => ContainerCodec.Unpack(bytes, 1 << 20));
    }

    [Fact]
    public void Trailing_bytes_and_truncation_are_refused()
    {
        var bytes = ContainerCodec.Pack([new ContainerMember(TestObjects.Block(1), LeaseDuration.FromDays(3))]);
        Assert.Throws<InvalidDataException>(() => ContainerCodec.Unpack([.. bytes, 0], 1 << 20));
        Assert.Throws<InvalidDataException>(() => ContainerCodec.Unpack(bytes.AsSpan(0, bytes.Length - 1), 1 << 20));
        Assert.Throws<InvalidDataException>(() => ContainerCodec.Unpack(bytes.AsSpan(0, 3), 1 << 20));
    }

    [Fact]
    public void The_aggregator_closes_containers_at_the_count_limit()
    {
        var members = Enumerable.Range(0, 60).Select(i => new ContainerMember(TestObjects.Block(i), LeaseDuration.FromDays(1))).ToList();
        var groups = new Aggregator(1 << 20, 25).Group(members);
        Assert.Equal([25, 25, 10], groups.Select(g => g.Count));
        Assert.Equal(members, groups.SelectMany(g => g));
    }

    [Fact]
    public void The_aggregator_closes_containers_at_the_byte_limit_and_sends_an_oversized_object_alone()
    {
        var members = new[] { 3000, 3000, 3000, 20_000, 100 }
            .Select((size, i) => new ContainerMember(TestObjects.Block(i, size), LeaseDuration.FromDays(1))).ToList();
        var limit = 7000;
        var groups = new Aggregator(limit, 100).Group(members);
        Assert.Equal([2, 1, 1, 1], groups.Select(g => g.Count));
        foreach (var group in groups.Where(g => g.Count > 1))
            Assert.True(ContainerCodec.Pack(group).Length <= limit);
        Assert.Equal(members, groups.SelectMany(g => g));
    }
}
