using Akka.Actor;
using Akka.TestKit;
using ePost.Core.Erasure;
using ePost.Core.Ids;
using ePost.Overlay;
using ePost.Overlay.Node;
using ePost.Storage.Glacier;
using ePost.Storage.Leases;
using ePost.Storage.Objects;
using ePost.Storage.Tests.Support;
using ePost.Storage.Transfer;
using ePost.Storage.Wire;

namespace ePost.Storage.Tests.Glacier;

/// <summary>Twelve GlacierActors with the default code (48, 5) on a loopback overlay and virtual time: the archive's contract.</summary>
public sealed class GlacierActorTests : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly GlacierRing _ring;

    public GlacierActorTests() : base(GlacierRing.Config("epost.glacier.leases.collection-interval = 1h"))
    {
        _ring = new GlacierRing(Sys, 12);
        AwaitCondition(() => _ring.AllRegistered, TimeSpan.FromSeconds(10));
    }

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    private object Ask(GlacierRing.Member node, object command)
    {
        node.Glacier.Tell(command, TestActor);
        return ExpectMsg<object>(TimeSpan.FromSeconds(20));
    }

    private static List<StoredObject> Blocks(int count, int seed) =>
        Enumerable.Range(0, count).Select(i => (StoredObject)TestObjects.Block(seed * 10_000 + i, 300 + i * 7)).ToList();

    private HashSet<FragmentKey> Held(GlacierRing.Member node) => ((HeldFragments)Ask(node, ListFragments.Instance)).Fragments.ToHashSet();

    /// <summary>Fragment positions of the container whose live root does not hold the fragment.</summary>
    private int MisplacedFragments(ContainerRef reference)
    {
        var held = _ring.Live.ToDictionary(n => n.Handle.Id, Held);
        return Enumerable.Range(0, reference.N).Count(i =>
            !held[_ring.RootOf(FragmentPlacement.Position(reference.ContainerId, i, reference.N)).Handle.Id].Contains(new FragmentKey(reference.ContainerId, i)));
    }

    [Fact]
    public void Archived_objects_are_packed_into_containers_and_restored_from_another_node()
    {
        var objects = Blocks(130, 1);
        objects.Add(TestObjects.Head(3));
        var archived = Assert.IsType<Archived>(Ask(_ring.Nodes[0], new Archive(objects, LeaseDuration.FromDays(30))));
        Assert.Equal(2, archived.Containers.Count);

        var restored = archived.Containers.SelectMany(c => Assert.IsType<Restored>(Ask(_ring.Nodes[7], new Restore(c))).Objects).ToList();
        Assert.Equal(objects.Count, restored.Count);
        for (var i = 0; i < objects.Count; i++) Assert.True(restored[i].SameBytesAs(objects[i]));
    }

    [Fact]
    public void Every_fragment_lives_on_the_root_of_its_position()
    {
        var reference = Assert.IsType<Archived>(Ask(_ring.Nodes[3], new Archive(Blocks(5, 2), LeaseDuration.FromDays(30)))).Containers.Single();
        AwaitAssert(() => Assert.Equal(0, MisplacedFragments(reference)), TimeSpan.FromSeconds(10));
        Assert.Equal(48, _ring.Nodes.Sum(n => Held(n).Count));
    }

    [Fact]
    public void A_restore_with_fewer_than_m_fragments_left_is_a_clear_error()
    {
        var reference = Assert.IsType<Archived>(Ask(_ring.Nodes[0], new Archive(Blocks(3, 3), LeaseDuration.FromDays(30)))).Containers.Single();
        AwaitAssert(() => Assert.Equal(0, MisplacedFragments(reference)), TimeSpan.FromSeconds(10));
        // Keep the nodes holding the fewest fragments while together they hold fewer than m = 5 (48 over 12 nodes
        // leaves at least one node with at most 4), fail the rest.
        var survivors = new List<GlacierRing.Member>();
        var left = 0;
        foreach (var (node, count) in _ring.Nodes.Select(n => (n, Held(n).Count)).OrderBy(c => c.Count))
        {
            if (left + count >= 5) break;
            survivors.Add(node);
            left += count;
        }
        Assert.NotEmpty(survivors);
        _ring.Fail(_ring.Nodes.Except(survivors));

        var failed = Assert.IsType<RestoreFailed>(Ask(survivors[0], new Restore(reference)));
        Assert.Contains($"{left} of the 5 fragments needed were found", failed.Reason);
    }

    [Fact]
    public void A_corrupt_fragment_on_disk_is_dropped_by_its_holder_and_the_restore_uses_others()
    {
        var objects = Blocks(4, 4);
        var reference = Assert.IsType<Archived>(Ask(_ring.Nodes[0], new Archive(objects, LeaseDuration.FromDays(30)))).Containers.Single();
        AwaitAssert(() => Assert.Equal(0, MisplacedFragments(reference)), TimeSpan.FromSeconds(10));
        // Damage every data fragment (0..m-1), the ones a restore asks for first.
        for (var i = 0; i < 5; i++)
        {
            var holder = _ring.RootOf(FragmentPlacement.Position(reference.ContainerId, i, 48));
            RawDatabase.Execute(Path.Combine(holder.DataDir, SqliteFragmentStore.FileName),
                "UPDATE fragments SET data = zeroblob(length(data)) WHERE container = $c AND idx = $i", ("$c", reference.ContainerId.ToBytes()), ("$i", i));
        }

        var restored = Assert.IsType<Restored>(Ask(_ring.Nodes[5], new Restore(reference)));
        Assert.Equal(objects.Count, restored.Objects.Count);
        var dropped = _ring.Nodes.Sum(n => ((GlacierStatus)Ask(n, GetGlacierStatus.Instance)).Store.CorruptDropped);
        Assert.Equal(5, dropped);
    }

    [Fact]
    public void A_forged_manifest_and_a_fragment_that_does_not_match_its_manifest_are_refused_by_the_holder()
    {
        var reference = Assert.IsType<Archived>(Ask(_ring.Nodes[0], new Archive(Blocks(2, 5), LeaseDuration.FromDays(30)))).Containers.Single();
        AwaitAssert(() => Assert.Equal(0, MisplacedFragments(reference)), TimeSpan.FromSeconds(10));
        var holder = _ring.RootOf(FragmentPlacement.Position(reference.ContainerId, 0, 48));
        var genuine = Held(holder).First(k => k.Container == reference.ContainerId);
        var attacker = JoinAsProbe();

        // Mallory signs a manifest claiming the same container (longer lease, higher version) for a genuine
        // fragment's slot: refused, because the container id is not bound to her key.
        var held = ReadHeld(holder, genuine);
        var forged = GlacierFixtures.ForgedFor(reference.ContainerId, TestObjects.Mallory, held.Manifest);
        var refusal = SendEncoded(holder, attacker, [(byte)FragmentTransferKind.Store, (byte)genuine.Index, (byte)(forged.Length >> 8), (byte)forged.Length, .. forged, .. held.Data]);
        Assert.False(refusal.Held);
        Assert.Contains("not bound", refusal.Message);

        var bogus = new byte[100];
        // A genuine manifest with bytes that are not the fragment it names.
        var manifest = FragmentManifest.Create(TestObjects.Mallory, new byte[32], 48, 5, 500, Enumerable.Repeat(bogus, 48).ToList(), LeaseDuration.FromDays(1))[0];
        var encoded = new FragmentTransfer(FragmentTransferKind.Store, manifest, 0, bogus).Encode();
        encoded[^1] ^= 1;
        var mismatch = SendEncoded(holder, attacker, encoded);
        Assert.False(mismatch.Held);
        Assert.Contains("does not match its manifest's hash", mismatch.Message);
        Assert.True(((GlacierStatus)Ask(holder, GetGlacierStatus.Instance)).TransfersRejected >= 1);
    }

    [Fact]
    public void A_count_says_how_many_fragments_the_roots_of_an_archives_positions_hold_and_how_many_more_can_be_lost()
    {
        var reference = Assert.IsType<Archived>(Ask(_ring.Nodes[0], new Archive(Blocks(3, 9), LeaseDuration.FromDays(30)))).Containers.Single();
        AwaitAssert(() => Assert.Equal(0, MisplacedFragments(reference)), TimeSpan.FromSeconds(10));
        var whole = Assert.IsType<FragmentsCounted>(Ask(_ring.Nodes[4], new CountFragments([reference]))).Containers.Single();
        Assert.Equal((reference.ContainerId, 48, 48, 5, 0), (whole.Container, whole.Held, whole.N, whole.M, whole.Unanswered));
        Assert.Equal(43, whole.Spare);

        // Two holders fail: the new roots of their positions hold nothing until maintenance rebuilds it.
        var failed = new[] { _ring.Nodes[2], _ring.Nodes[8] };
        var lost = failed.Sum(n => Held(n).Count(k => k.Container == reference.ContainerId));
        Assert.True(lost > 0);
        _ring.Fail(failed);
        var after = Assert.IsType<FragmentsCounted>(Ask(_ring.Nodes[4], new CountFragments([reference]))).Containers.Single();
        Assert.Equal(48 - lost, after.Held);
        Assert.Equal(43 - lost, after.Spare);
        Assert.Empty(Assert.IsType<FragmentsCounted>(Ask(_ring.Nodes[4], new CountFragments([]))).Containers);
    }

    [Fact]
    public void A_count_whose_roots_do_not_answer_finishes_at_its_deadline_with_them_unanswered()
    {
        var reference = Assert.IsType<Archived>(Ask(_ring.Nodes[0], new Archive(Blocks(2, 10), LeaseDuration.FromDays(30)))).Containers.Single();
        AwaitAssert(() => Assert.Equal(0, MisplacedFragments(reference)), TimeSpan.FromSeconds(10));
        var asker = _ring.Nodes[4];
        var silent = _ring.Nodes.Where(n => n != asker).ToList();
        foreach (var node in silent) _ring.Membership.Silent.Add(node.Handle.Id);
        var own = Held(asker).Count(k => k.Container == reference.ContainerId);

        asker.Glacier.Tell(new CountFragments([reference]), TestActor);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Scheduler.Advance(_ring.Settings.FragmentTimeout * 2);
        var count = ExpectMsg<FragmentsCounted>(TimeSpan.FromSeconds(10)).Containers.Single();
        Assert.Equal(own, count.Held);
        Assert.Equal(48 - own, count.Unanswered);
    }

    [Fact]
    public void Missing_fragments_are_rebuilt_at_their_positions_new_roots_after_nodes_fail()
    {
        var references = Assert.IsType<Archived>(Ask(_ring.Nodes[0], new Archive(Blocks(250, 6), LeaseDuration.FromDays(30)))).Containers;
        foreach (var reference in references) AwaitAssert(() => Assert.Equal(0, MisplacedFragments(reference)), TimeSpan.FromSeconds(10));
        _ring.Fail([_ring.Nodes[2], _ring.Nodes[5], _ring.Nodes[9]]);
        Assert.All(references, r => Assert.True(MisplacedFragments(r) > 0));

        foreach (var node in _ring.Live) node.Glacier.Tell(MaintainNow.Instance);
        foreach (var reference in references) AwaitAssert(() => Assert.Equal(0, MisplacedFragments(reference)), TimeSpan.FromSeconds(20));
        Assert.True(_ring.Live.Sum(n => ((GlacierStatus)Ask(n, GetGlacierStatus.Instance)).Rebuilt) > 0);
    }

    [Fact]
    public void A_node_that_joins_at_a_fragments_position_is_handed_the_fragment_not_sent_a_rebuild()
    {
        var reference = Assert.IsType<Archived>(Ask(_ring.Nodes[2], new Archive(Blocks(5, 11), LeaseDuration.FromDays(30)))).Containers.Single();
        AwaitAssert(() => Assert.Equal(0, MisplacedFragments(reference)), TimeSpan.FromSeconds(10));
        var position = FragmentPlacement.Position(reference.ContainerId, 7, 48);
        var oldRoot = _ring.RootOf(position);

        var newcomer = _ring.Join(position);
        AwaitCondition(() => _ring.AllRegistered, TimeSpan.FromSeconds(10));
        Assert.True(MisplacedFragments(reference) > 0);
        oldRoot.Glacier.Tell(MaintainNow.Instance);

        AwaitAssert(() => Assert.Contains(new FragmentKey(reference.ContainerId, 7), Held(newcomer)), TimeSpan.FromSeconds(10));
        AwaitAssert(() => Assert.False(((GlacierStatus)Ask(oldRoot, GetGlacierStatus.Instance)).MaintenanceRunning), TimeSpan.FromSeconds(10));
        var handedOff = ((GlacierStatus)Ask(oldRoot, GetGlacierStatus.Instance)).HandedOff;
        Assert.True(handedOff >= 1);
        Assert.Equal(0, _ring.Nodes.Sum(n => ((GlacierStatus)Ask(n, GetGlacierStatus.Instance)).Rebuilt));

        // The old root keeps its copy until the lease ends, but does not send it again once the new root holds it.
        oldRoot.Glacier.Tell(MaintainNow.Instance);
        AwaitAssert(() => Assert.False(((GlacierStatus)Ask(oldRoot, GetGlacierStatus.Instance)).MaintenanceRunning), TimeSpan.FromSeconds(10));
        Assert.Equal(handedOff, ((GlacierStatus)Ask(oldRoot, GetGlacierStatus.Instance)).HandedOff);
    }

    [Fact]
    public void Fragments_are_collected_once_their_lease_has_run_on_the_holders_clock()
    {
        Assert.IsType<Archived>(Ask(_ring.Nodes[0], new Archive(Blocks(2, 7), LeaseDuration.FromDays(1))));
        AwaitAssert(() => Assert.Equal(48, _ring.Nodes.Sum(n => Held(n).Count)), TimeSpan.FromSeconds(10));
        Scheduler.Advance(TimeSpan.FromHours(23));
        AwaitAssert(() => Assert.Equal(48, _ring.Nodes.Sum(n => Held(n).Count)), TimeSpan.FromSeconds(5));
        Scheduler.Advance(TimeSpan.FromHours(2));
        AwaitAssert(() => Assert.Equal(0, _ring.Nodes.Sum(n => Held(n).Count)), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void A_mostly_live_container_refreshed_by_its_writer_outlives_its_first_lease_in_place()
    {
        var objects = Blocks(10, 8);
        var reference = Assert.IsType<Archived>(Ask(_ring.Nodes[0], new Archive(objects, LeaseDuration.FromDays(1)))).Containers.Single();
        AwaitAssert(() => Assert.Equal(0, MisplacedFragments(reference)), TimeSpan.FromSeconds(10));
        var live = objects.Take(8).ToDictionary(o => o.Id, _ => LeaseDuration.FromDays(30));

        var control = Assert.IsType<Archived>(Ask(_ring.Nodes[0], new Archive(Blocks(2, 18), LeaseDuration.FromDays(1)))).Containers.Single();

        var refreshed = Assert.IsType<Refreshed>(Ask(_ring.Nodes[0], new Refresh(reference, live)));
        Assert.Equal([reference], refreshed.Now);
        Scheduler.Advance(TimeSpan.FromDays(2));
        // The control container, not refreshed, is collected everywhere; the refreshed one is intact.
        AwaitAssert(() => Assert.Equal(48, _ring.Nodes.Sum(n => Held(n).Count)), TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(_ring.Nodes.SelectMany(Held), k => k.Container == control.ContainerId);
        Assert.Equal(0, MisplacedFragments(reference));
        Assert.Equal(10, Assert.IsType<Restored>(Ask(_ring.Nodes[4], new Restore(reference))).Objects.Count);
    }

    [Fact]
    public void A_mostly_expired_container_is_repacked_and_the_old_one_is_collected_when_its_lease_ends()
    {
        var objects = Blocks(10, 9);
        var reference = Assert.IsType<Archived>(Ask(_ring.Nodes[0], new Archive(objects, LeaseDuration.FromDays(1)))).Containers.Single();
        AwaitAssert(() => Assert.Equal(0, MisplacedFragments(reference)), TimeSpan.FromSeconds(10));
        var live = objects.Skip(7).ToDictionary(o => o.Id, _ => LeaseDuration.FromDays(30));

        var refreshed = Assert.IsType<Refreshed>(Ask(_ring.Nodes[0], new Refresh(reference, live)));
        var repacked = Assert.Single(refreshed.Now);
        Assert.NotEqual(reference, repacked);
        AwaitAssert(() => Assert.Equal(0, MisplacedFragments(repacked)), TimeSpan.FromSeconds(10));
        Scheduler.Advance(TimeSpan.FromDays(2));
        AwaitAssert(() => Assert.Equal(48, _ring.Nodes.Sum(n => Held(n).Count)), TimeSpan.FromSeconds(10));

        var restored = Assert.IsType<Restored>(Ask(_ring.Nodes[6], new Restore(repacked))).Objects;
        Assert.Equal(objects.Skip(7).Select(o => o.Id), restored.Select(o => o.Id));
        Assert.IsType<RestoreFailed>(Ask(_ring.Nodes[6], new Restore(reference)));
    }

    [Fact]
    public void Another_node_refreshing_a_container_repacks_it_under_its_own_key_and_nothing_live_drops_it()
    {
        var objects = Blocks(6, 10);
        var reference = Assert.IsType<Archived>(Ask(_ring.Nodes[0], new Archive(objects, LeaseDuration.FromDays(1)))).Containers.Single();
        AwaitAssert(() => Assert.Equal(0, MisplacedFragments(reference)), TimeSpan.FromSeconds(10));

        var moved = Assert.Single(Assert.IsType<Refreshed>(Ask(_ring.Nodes[3], new Refresh(reference, objects.ToDictionary(o => o.Id, _ => LeaseDuration.FromDays(9))))).Now);
        Assert.False(moved.WriterKey.Span.SequenceEqual(reference.WriterKey.Span));
        Assert.Equal(6, Assert.IsType<Restored>(Ask(_ring.Nodes[1], new Restore(moved))).Objects.Count);
        Assert.Empty(Assert.IsType<Refreshed>(Ask(_ring.Nodes[0], new Refresh(moved, new Dictionary<RingId, LeaseDuration>()))).Now);
    }

    [Fact]
    public void An_archive_whose_holders_never_answer_fails_after_its_timeout_with_the_count_stored()
    {
        // The writer with the widest stretch of ring between its neighbours: more than 1/12 of the ring, so it is
        // the root of at least one of any 48 evenly spaced positions.
        var sorted = _ring.Nodes.OrderBy(n => n.Handle.Id).ToList();
        var writer = sorted.Select((n, k) => (Node: n, Span: sorted[(k + 1) % sorted.Count].Handle.Id - sorted[(k + sorted.Count - 1) % sorted.Count].Handle.Id))
            .MaxBy(x => x.Span).Node;
        lock (_ring.Membership)
            foreach (var node in _ring.Nodes.Where(n => n != writer)) _ring.Membership.Silent.Add(node.Handle.Id);
        writer.Glacier.Tell(new Archive(Blocks(3, 12), LeaseDuration.FromDays(1)), TestActor);
        // Only the positions the writer is itself root of are stored; nothing else can answer.
        AwaitAssert(() => Assert.True(((GlacierStatus)Ask(writer, GetGlacierStatus.Instance)).Store.Fragments > 0), TimeSpan.FromSeconds(10));
        var stored = ((GlacierStatus)Ask(writer, GetGlacierStatus.Instance)).Store.Fragments;
        Scheduler.Advance(_ring.Settings.ArchiveTimeout);

        var failed = ExpectMsg<ArchiveFailed>(TimeSpan.FromSeconds(10));
        Assert.Contains($"{stored} of the 15 fragments needed were stored", failed.Reason);
    }

    [Fact]
    public void A_restore_or_refresh_of_an_impossible_reference_fails_at_once_with_the_reason()
    {
        var shortKey = new ContainerRef(RingId.FromSha256([7]), 48, 5, new byte[3]);
        Assert.Contains("writer key", Assert.IsType<RestoreFailed>(Ask(_ring.Nodes[0], new Restore(shortKey))).Reason);
        var badCode = new ContainerRef(RingId.FromSha256([7]), 4, 5, TestObjects.Alice.PublicKey);
        Assert.Contains("impossible code", Assert.IsType<RefreshFailed>(Ask(_ring.Nodes[0], new Refresh(badCode, new Dictionary<RingId, LeaseDuration>()))).Reason);
    }

    [Fact]
    public void A_restore_of_a_container_nobody_holds_says_none_of_the_fragments_were_found()
    {
        var unknown = new ContainerRef(RingId.FromSha256([8]), 48, 5, TestObjects.Alice.PublicKey);
        Assert.Contains("0 of the 5 fragments needed were found", Assert.IsType<RestoreFailed>(Ask(_ring.Nodes[0], new Restore(unknown))).Reason);
    }

    [Fact]
    public void Archiving_nothing_or_an_invalid_object_is_refused_with_the_reason()
    {
        Assert.Contains("nothing", Assert.IsType<ArchiveFailed>(Ask(_ring.Nodes[0], new Archive([], LeaseDuration.FromDays(1)))).Reason);
        var lying = new ContentBlock(RingId.FromSha256([9]), new byte[] { 1, 2, 3 });
        Assert.Contains("refused", Assert.IsType<ArchiveFailed>(Ask(_ring.Nodes[0], new Archive([lying], LeaseDuration.FromDays(1)))).Reason);
    }

    [Fact]
    public void Malformed_peer_messages_are_refused_with_a_reason_and_cost_nothing_more()
    {
        var node = _ring.Nodes[4];
        var peer = JoinAsProbe();
        lock (_ring.Membership) _ring.Membership.Down.Remove(peer.Id);

        // A chunk of another purpose, and one announcing more bytes than any fragment may have: dropped and counted.
        node.Glacier.Tell(new DirectDelivered(peer, new FragmentChunk(new ObjectChunk(RequestId.New(), TransferPurpose.Insert, 1, 0, 1, 3, new byte[32], [1, 2, 3]))));
        node.Glacier.Tell(new DirectDelivered(peer, new FragmentChunk(new ObjectChunk(RequestId.New(), TransferPurpose.Fragment, 1, 0, 2, int.MaxValue, new byte[32], [1]))));
        // A query for an impossible index, and a renewal whose manifest is garbage: answered "no".
        node.Glacier.Tell(new DirectDelivered(peer, new FragmentQuery(RequestId.New(), RingId.Zero, 300, Fetch: true)));
        Assert.False(Assert.IsType<FragmentAnswer>(ExpectMsg<DirectDelivered>(TimeSpan.FromSeconds(5)).Payload).Held);
        node.Glacier.Tell(new DirectDelivered(peer, new FragmentRenewal(RequestId.New(), 0, [1, 2, 3])));
        var renewal = Assert.IsType<FragmentStored>(ExpectMsg<DirectDelivered>(TimeSpan.FromSeconds(5)).Payload);
        Assert.False(renewal.Held);
        Assert.Contains("manifest", renewal.Message);

        var status = (GlacierStatus)Ask(node, GetGlacierStatus.Instance);
        Assert.Equal(3, status.TransfersRejected);
        Assert.Equal(0, status.Store.Fragments);
    }

    /// <summary>A holder's copy of a fragment, read from its database behind its back.</summary>
    private static HeldFragment ReadHeld(GlacierRing.Member holder, FragmentKey key)
    {
        using var connection = RawDatabase.Open(Path.Combine(holder.DataDir, SqliteFragmentStore.FileName));
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT manifest, data FROM fragments WHERE container = $c AND idx = $i";
        command.Parameters.AddWithValue("$c", key.Container.ToBytes());
        command.Parameters.AddWithValue("$i", key.Index);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        return new HeldFragment(FragmentManifest.Decode((byte[])reader.GetValue(0)), key.Index, (byte[])reader.GetValue(1), default);
    }

    /// <summary>Adds a node to the loopback membership whose application is the test actor, so holders can answer it.</summary>
    private NodeHandle JoinAsProbe()
    {
        var probe = new NodeHandle(RingId.Random(new Random(99)), "loop://probe", 1);
        lock (_ring.Membership) _ring.Membership.Nodes[probe.Id] = (probe, TestActor);
        _ring.Membership.Down.Add(probe.Id); // never a root: FindRoot only answers with live nodes
        return probe;
    }

    private FragmentStored SendTransfer(GlacierRing.Member to, NodeHandle from, FragmentTransfer transfer) => SendEncoded(to, from, transfer.Encode());

    private FragmentStored SendEncoded(GlacierRing.Member to, NodeHandle from, byte[] encoded)
    {
        lock (_ring.Membership) _ring.Membership.Down.Remove(from.Id);
        foreach (var chunk in Chunker.Split(RequestId.New(), TransferPurpose.Fragment, 1000, encoded, 49152))
            to.Glacier.Tell(new DirectDelivered(from, new FragmentChunk(chunk)));
        var answer = ExpectMsg<DirectDelivered>(TimeSpan.FromSeconds(10));
        lock (_ring.Membership) _ring.Membership.Down.Add(from.Id);
        return Assert.IsType<FragmentStored>(answer.Payload);
    }

    void IDisposable.Dispose()
    {
        Shutdown();
        _ring.Dispose();
    }
}
