using System.Diagnostics;
using Akka.Actor;
using ePost.Core.Ids;
using ePost.Overlay;
using ePost.Overlay.Node;
using ePost.Storage.Leases;
using ePost.Storage.Objects;
using ePost.Storage.Replication;
using ePost.Storage.Tests.Support;
using ePost.Storage.Transfer;
using ePost.Storage.Wire;

namespace ePost.Storage.Tests.Hostile;

/// <summary>
/// One member deposits 10,000 junk notifications for bob: the root keeps at most max-notifications-per-sender of them,
/// withdrawn ones leave the listing, and bob's paged listing still finds the real one.
/// </summary>
public sealed class NotificationFloodTests : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly VirtualRing _ring;
    private readonly NodeHandle _mallory = new(RingId.Random(new Random(99)), "loop://mallory", 1);
    private static readonly RingId Bob = RingId.Random(new Random(7));

    public NotificationFloodTests() : base(VirtualRing.Config())
    {
        _ring = new VirtualRing(Sys, 6);
        AwaitCondition(() => _ring.AllRegistered, TimeSpan.FromSeconds(10));
        lock (_ring.Membership) _ring.Membership.Nodes[_mallory.Id] = (_mallory, TestActor);
    }

    /// <summary>A pending notification for bob (whose signing key the test holds: <see cref="TestObjects.Alice"/>).</summary>
    private static NotificationObject Deposit(string body) =>
        NotificationObject.Deposit(Bob, TestObjects.Alice.PublicKey, System.Text.Encoding.UTF8.GetBytes(body));

    [Fact]
    public void Ten_thousand_junk_notifications_from_one_member_do_not_hide_bobs_real_mail()
    {
        var (first, last) = NotificationObject.ArcOf(Bob);
        var root = _ring.ReplicaIndexes(first)[0];
        var clock = Stopwatch.StartNew();
        const int junk = 10_000;
        var deposits = Enumerable.Range(0, junk).Select(i => Deposit($"junk {i}")).ToDictionary(d => d.Id);
        foreach (var deposit in deposits.Values)
            foreach (var chunk in Chunker.Split(RequestId.New(), TransferPurpose.Insert, LeaseDuration.FromDays(30).Milliseconds, deposit.Encode(), 49152))
                _ring.Nodes[root].Storage.Tell(new DirectDelivered(_mallory, chunk));
        var answers = ReceiveN(junk, TimeSpan.FromSeconds(120)).Cast<DirectDelivered>().Select(d => Assert.IsType<InsertAck>(d.Payload)).ToList();
        var cap = _ring.Settings.MaxNotificationsPerSender;
        Assert.Equal(cap, answers.Count(a => a.Reason == RefusalReason.None));
        Assert.Equal(junk - cap, answers.Count(a => a.Reason == RefusalReason.OverQuota));

        // Another sender's real notification is taken.
        var real = Deposit("the real one");
        var sender = Enumerable.Range(0, 6).First(i => i != root);
        _ring.Nodes[sender].Storage.Tell(new Insert(real, LeaseDuration.FromDays(30)), TestActor);
        ExpectMsg<Inserted>(TimeSpan.FromSeconds(10));

        // Bob withdraws ten junk notifications; they leave the listing.
        var withdrawn = answers.Where(a => a.Reason == RefusalReason.None).Take(10).Select(a => deposits[a.Id]).ToList();
        foreach (var note in withdrawn)
        {
            _ring.Nodes[sender].Storage.Tell(new Insert(note.Withdraw(TestObjects.Alice), LeaseDuration.FromDays(30)), TestActor);
            ExpectMsg<Inserted>(TimeSpan.FromSeconds(10));
        }

        // Bob's node reads the arc in pages of 100 (no "500 lowest" cap) and finds the real notification.
        var reader = _ring.ReplicaIndexes(first).Last();
        var listed = new List<RingId>();
        RingId? after = null;
        var pages = 0;
        do
        {
            _ring.Nodes[reader].Storage.Tell(new ListArc(first, last, 100, after), TestActor);
            var page = ExpectMsg<ArcListed>(TimeSpan.FromSeconds(10));
            Assert.True(page.Complete);
            listed.AddRange(page.Ids);
            after = page.Next;
        } while (after is not null && ++pages < 100);
        Assert.Contains(real.Id, listed);
        Assert.Equal(listed.Count, listed.Distinct().Count());
        Assert.All(withdrawn, w => Assert.DoesNotContain(w.Id, listed));
        Assert.Equal(cap + 1 - withdrawn.Count, listed.Count);
        Assert.True(pages >= 2, "the listing took one page");
        // Stated for the report: the whole flood, as the root's store handled it.
        Console.WriteLine($"{junk} junk deposits answered in {clock.Elapsed.TotalSeconds:F1} s; {listed.Count} ids listed in {pages + 1} pages");
    }

    void IDisposable.Dispose()
    {
        Shutdown();
        _ring.Dispose();
    }
}
