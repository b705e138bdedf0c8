using ePost.Core.Ids;
using ePost.Storage.Repair;

namespace ePost.Storage.Tests.Repair;

public sealed class LeaseAwareDigestTests
{
    private const long Day = 86_400_000;
    private static readonly Random Random = new(4);
    private static readonly RingId[] Ids = Enumerable.Range(0, 200).Select(_ => RingId.Random(Random)).ToArray();

    private static BloomFilter FilterOf(IEnumerable<(RingId Id, long RemainingMs)> held)
    {
        var list = held.ToList();
        var filter = BloomFilter.Create(list.Count, seed: 99);
        foreach (var (id, remaining) in list) filter.Add(LeaseAwareDigest.Key(id, remaining, Day));
        return filter;
    }

    [Fact]
    public void A_neighbour_holding_the_same_objects_with_leases_in_the_same_bucket_offers_nothing()
    {
        var requester = FilterOf(Ids.Select(id => (id, 20 * Day + 5)));
        var offers = LeaseAwareDigest.Offers(Ids.Select(id => (id, 20 * Day + 999)), requester, Day, 1000);
        // Same id and bucket give the same key, and a Bloom filter has no false negatives.
        Assert.Empty(offers);
    }

    [Fact]
    public void An_object_the_requester_lacks_is_offered_with_the_holders_remaining_lease()
    {
        var requester = FilterOf(Ids.Skip(1).Select(id => (id, 20 * Day)));
        var offers = LeaseAwareDigest.Offers(Ids.Select(id => (id, 20 * Day)), requester, Day, 1000);
        Assert.Contains((Ids[0], 20 * Day), offers);
    }

    [Fact]
    public void A_replica_that_missed_a_renewal_is_offered_the_longer_lease_of_its_neighbour()
    {
        // The requester kept 2 days on object 0; the neighbour was renewed to 21 days.
        var requester = FilterOf(Ids.Select((id, i) => (id, i == 0 ? 2 * Day : 21 * Day)));
        var offers = LeaseAwareDigest.Offers(Ids.Select(id => (id, 21 * Day)), requester, Day, 1000);
        Assert.Contains((Ids[0], 21 * Day), offers);
    }

    [Fact]
    public void Offers_stop_at_the_maximum()
    {
        var empty = BloomFilter.Create(1, seed: 1);
        Assert.Equal(10, LeaseAwareDigest.Offers(Ids.Select(id => (id, Day)), empty, Day, 10).Count);
    }

    [Fact]
    public void Buckets_are_whole_widths_of_remaining_lease_and_never_negative()
    {
        Assert.Equal(0, LeaseAwareDigest.Bucket(Day - 1, Day));
        Assert.Equal(1, LeaseAwareDigest.Bucket(Day, Day));
        Assert.Equal(0, LeaseAwareDigest.Bucket(-5, Day));
        Assert.NotEqual(LeaseAwareDigest.Key(Ids[0], Day, Day), LeaseAwareDigest.Key(Ids[0], 2 * Day, Day));
        Assert.Equal(LeaseAwareDigest.Key(Ids[0], Day, Day), LeaseAwareDigest.Key(Ids[0], Day + 7, Day));
    }
}
