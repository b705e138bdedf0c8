using ePost.Core.Ids;
using ePost.Storage.Replication;
using ePost.Storage.Tests.Support;

namespace ePost.Storage.Tests.Replication;

/// <summary>What a reader may conclude from the replicas it heard: "absent" only on a majority of the replica set, never an older version than it saw.</summary>
public sealed class ReadQuorumTests
{
    private static readonly RingId Key = RingId.FromFraction(1, 2);

    /// <summary>Nodes at increasing distance from the key: Near(0) is its root.</summary>
    private static RingId Near(int rank) => Key + RingId.FromFraction(rank + 1, 1_000_000);

    [Fact]
    public void One_root_saying_not_found_and_naming_nobody_is_not_a_verdict()
    {
        var quorum = new ReadQuorum(Key, 4);
        quorum.Heard(Near(0), held: false);
        Assert.False(quorum.IsDefinitivelyAbsent());
    }

    [Fact]
    public void A_majority_of_the_replica_set_saying_not_found_is_a_verdict()
    {
        var quorum = new ReadQuorum(Key, 4);
        quorum.Name(Enumerable.Range(0, 4).Select(Near));
        quorum.Heard(Near(0), held: false);
        quorum.Heard(Near(1), held: false);
        Assert.False(quorum.IsDefinitivelyAbsent());
        quorum.Heard(Near(3), held: false);
        Assert.True(quorum.IsDefinitivelyAbsent());
    }

    [Fact]
    public void Nodes_far_from_the_key_do_not_vote_for_its_replicas()
    {
        var quorum = new ReadQuorum(Key, 4);
        quorum.Name(Enumerable.Range(0, 4).Select(Near));
        // A root and accomplices that are not replicas say "not found" in chorus.
        foreach (var far in Enumerable.Range(100, 10).Select(Near)) quorum.Heard(far, held: false);
        Assert.False(quorum.IsDefinitivelyAbsent());
        Assert.Equal(Enumerable.Range(0, 4).Select(Near), quorum.ReplicaSet());
    }

    [Fact]
    public void Names_of_nodes_that_never_answer_keep_the_verdict_open_and_one_copy_anywhere_rules_it_out()
    {
        var quorum = new ReadQuorum(Key, 4);
        // A liar names ids closer to the key than the real replicas; they never answer, so "absent" is never reached.
        quorum.Name([Key + RingId.FromFraction(1, 1_000_000_000), Key + RingId.FromFraction(2, 1_000_000_000)]);
        foreach (var i in Enumerable.Range(0, 4)) quorum.Heard(Near(i), held: false);
        Assert.False(quorum.IsDefinitivelyAbsent());

        var honest = new ReadQuorum(Key, 4);
        foreach (var i in Enumerable.Range(0, 3)) honest.Heard(Near(i), held: false);
        honest.Heard(Near(3), held: true);
        Assert.False(honest.IsDefinitivelyAbsent());
        Assert.True(honest.MajorityAnswered());
    }

    [Fact]
    public void A_version_older_than_the_floor_is_not_an_answer_and_objects_without_versions_always_are()
    {
        var quorum = new ReadQuorum(TestObjects.Head(1).Id, 4, floor: 5);
        Assert.False(quorum.Admits(TestObjects.Head(4)));
        Assert.True(quorum.Admits(TestObjects.Head(5)));
        Assert.True(quorum.Admits(TestObjects.Head(6)));
        Assert.True(quorum.Admits(TestObjects.Block(1)));
        Assert.True(new ReadQuorum(Key, 4).Admits(TestObjects.Head(1)));
    }
}
