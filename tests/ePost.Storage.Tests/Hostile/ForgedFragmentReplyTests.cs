using System.Collections.Concurrent;
using Akka.Actor;
using Akka.TestKit;
using ePost.Overlay;
using ePost.Overlay.Node;
using ePost.Storage.Glacier;
using ePost.Storage.Leases;
using ePost.Storage.Objects;
using ePost.Storage.Tests.Support;

namespace ePost.Storage.Tests.Hostile;

/// <summary>Glacier's acknowledgements count only from the holder a fragment was sent to: twelve archives, one eavesdropping forger.</summary>
public sealed class ForgedFragmentReplyTests : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly GlacierRing _ring;
    private readonly ConcurrentQueue<(NodeHandle From, NodeHandle To, object Payload)> _seen = new();

    public ForgedFragmentReplyTests() : base(GlacierRing.Config())
    {
        _ring = new GlacierRing(Sys, 12);
        AwaitCondition(() => _ring.AllRegistered, TimeSpan.FromSeconds(10));
        _ring.Membership.Tap = (from, to, payload) => _seen.Enqueue((from, to, payload));
    }

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    [Fact]
    public void Fragment_stored_forged_by_a_node_that_was_not_sent_the_fragment_does_not_acknowledge_an_archive()
    {
        var archiver = _ring.Nodes[0];
        // Every other holder drops what it is sent: only the archiver's own positions are really stored (about 4 of
        // the 15 acknowledgements needed).
        foreach (var other in _ring.Nodes.Skip(1)) _ring.Membership.Silent.Add(other.Handle.Id);

        archiver.Glacier.Tell(new Archive([TestObjects.Block(1)], LeaseDuration.FromDays(30)), TestActor);
        var sent = new List<(NodeHandle To, FragmentChunk Chunk)>();
        AwaitCondition(() =>
        {
            sent = _seen.Where(s => s.From.Id == archiver.Handle.Id && s.Payload is FragmentChunk).Select(s => (s.To, (FragmentChunk)s.Payload)).ToList();
            return sent.Count > 0 && sent.Count + OwnPositions(archiver) == 48;
        }, TimeSpan.FromSeconds(10));

        // The forger overheard each transfer and answers it exactly as its holder would, naming the right container and index.
        foreach (var (to, chunk) in sent)
        {
            var transfer = FragmentTransfer.TryDecode(chunk.Chunk.Data, out _)!;
            var forger = _ring.Nodes.First(n => n.Handle.Id != to.Id && n.Handle.Id != archiver.Handle.Id).Handle;
            archiver.Glacier.Tell(new DirectDelivered(forger, new FragmentStored(chunk.Chunk.Op, transfer.Manifest.ContainerId, transfer.Index, true, "stored")));
        }

        archiver.Glacier.Tell(GetGlacierStatus.Instance, TestActor);
        Assert.Equal(sent.Count, ExpectMsg<GlacierStatus>(TimeSpan.FromSeconds(10)).RepliesRefused);
        Scheduler.Advance(_ring.Settings.ArchiveTimeout);
        Assert.Contains("of the 15 fragments needed", ExpectMsg<ArchiveFailed>(TimeSpan.FromSeconds(10)).Reason);
    }

    /// <summary>Fragment positions of a one-block container whose root is the archiver (stored without a transfer).</summary>
    private int OwnPositions(GlacierRing.Member archiver)
    {
        archiver.Glacier.Tell(ListFragments.Instance, TestActor);
        return ExpectMsg<HeldFragments>(TimeSpan.FromSeconds(10)).Fragments.Count;
    }

    void IDisposable.Dispose()
    {
        Shutdown();
        _ring.Dispose();
    }
}
