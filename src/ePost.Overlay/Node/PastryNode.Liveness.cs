using ePost.Core.Ids;
using ePost.Overlay.Liveness;
using ePost.Overlay.Routing;

namespace ePost.Overlay.Node;

public sealed partial class PastryNode
{
    private readonly Dictionary<RingId, PeerState> _peers = new();
    private readonly Dictionary<RingId, (NodeHandle Handle, TimeSpan At)> _failed = new();
    private readonly Dictionary<RingId, TimeSpan> _lastRecheck = new();
    private readonly HashSet<RingId> _candidates = new();
    private long _nextNonce;
    private int _probeCursor;

    /// <summary>Nodes declared dead and still remembered (so gossip cannot resurrect them).</summary>
    public int RememberedFailures => _failed.Count;

    /// <summary>True unless the node is currently suspected (a probe to it went unanswered).</summary>
    private bool IsUsable(NodeHandle node) => !_peers.TryGetValue(node.Id, out var p) || !p.Suspected;

    /// <summary>
    /// A message came straight from this node: it is alive, and a candidate for our tables. Only a handle the
    /// transport proved is admitted, and only such a handle replaces another incarnation of its id; a handle vouched
    /// for by a relay only refreshes exactly the handle we know, and anything else it names is verified first.
    /// </summary>
    private void Heard(NodeHandle node)
    {
        if (node.Id == Self.Id) return;
        if (!SenderProven && (!_peers.TryGetValue(node.Id, out var known) || known.Handle != node || known.Candidate))
        {
            Consider(node);
            return;
        }
        _failed.Remove(node.Id);
        _lastRecheck.Remove(node.Id);
        ForgetDead(node.Id);
        var peer = PeerFor(node);
        peer.LastHeard = _host.Now;
        if (peer.PendingNonce != 0) _host.CancelTimer(new ProbeTimeout(node.Id, peer.PendingNonce));
        peer.PendingNonce = 0;
        peer.Attempts = 0;
        peer.Candidate = false;
        _candidates.Remove(node.Id);
        Verified(node.Id);
        EndRelayRound(peer);
        Admit(node);
        ReleaseParked(peer, reachable: true);
        if (_held.Count > 0) ReleaseHeld();
    }

    /// <summary>Offers a node to the leaf set and routing table.</summary>
    private void Admit(NodeHandle node)
    {
        if (LeafSet.Offer(node))
        {
            if (_peers.TryGetValue(node.Id, out var p)) p.Candidate = false;
            LeafSetChangedNow();
        }
        Table.Offer(node);
    }

    /// <summary>A node named by another node: worth verifying with a probe if it would improve our tables.</summary>
    private void Consider(NodeHandle node)
    {
        if (node.Id == Self.Id || !IsAcceptable(node)) return;
        if (_failed.TryGetValue(node.Id, out var failed) && failed.Handle.Epoch >= node.Epoch)
        {
            // Others still name it: check it ourselves again, but at most once per recheck interval.
            var since = _lastRecheck.TryGetValue(node.Id, out var last) && last > failed.At ? last : failed.At;
            if (_host.Now - since < _settings.DeadRecheckInterval) return;
            _lastRecheck[node.Id] = _host.Now;
        }
        // Being in one table is no reason to skip: a routing-table entry that the leaf set would now take (its
        // members between us died) must still be verified and admitted. WouldAccept and the slot test below
        // already say no when the node is everywhere it belongs.
        if (_peers.TryGetValue(node.Id, out var known))
        {
            if (known.PendingNonce != 0) return;
            if (known.Handle != node && known.LastHeard is not null)
            {
                // Another incarnation (or address) of a node we know, named by someone else: only the node itself
                // can prove it. Probe the one we know; if it is gone, its death lets the other be verified, and a
                // restart at the same address answers our probe as the new incarnation.
                if (_host.Now - known.LastHeard.Value > _settings.ProbeInterval) SendProbe(known);
                return;
            }
        }
        // A handle never heard from is verified only where no candidate already being verified would take its place.
        var fresh = known is null || known.LastHeard is null;
        var slot = Table.SlotOf(node.Id);
        var forLeafSet = fresh ? LeafSetWouldTakeCandidate(node) : LeafSet.WouldAccept(node);
        var fillsTable = !forLeafSet && slot is var (row, column)
            && (Table.Get(row, column) is not { } current || current.IsSupersededBy(node))
            && !(fresh && SlotBeingVerified(row, column, node.Id));
        if (!forLeafSet && !fillsTable) return;
        if (fresh && !HasCandidateRoom())
        {
            Counters.CandidatesDeferred++;
            return;
        }
        var peer = PeerFor(node);
        if (peer.LastHeard is null)
        {
            peer.Candidate = true;
            _candidates.Add(node.Id);
            Verifying(node, forLeafSet, slot);
        }
        SendProbe(peer);
    }

    /// <summary>True while fewer than max-pending-candidates second-hand handles are being verified.</summary>
    private bool HasCandidateRoom()
    {
        if (_candidates.Count < _settings.MaxPendingCandidates) return true;
        _candidates.RemoveWhere(id => !_peers.TryGetValue(id, out var p) || !p.Candidate);
        return _candidates.Count < _settings.MaxPendingCandidates;
    }

    private void LeafSetChangedNow()
    {
        if (!IsReady) return;
        _host.OnEvent(new LeafSetChanged(Self, LeafSetArray()));
        ProbeNewNeighbours();
    }

    private bool IsInTables(NodeHandle node) =>
        LeafSet.Get(node.Id) == node || Table.SlotOf(node.Id) is var (r, c) && Table.Get(r, c) == node;

    private PeerState PeerFor(NodeHandle node)
    {
        if (_peers.TryGetValue(node.Id, out var peer))
        {
            if (peer.Handle.IsSupersededBy(node))
            {
                // A new incarnation: nothing we measured about the old process applies.
                if (peer.PendingNonce != 0) _host.CancelTimer(new ProbeTimeout(node.Id, peer.PendingNonce));
                var parked = peer.Parked;
                _peers[node.Id] = peer = NewPeer(node);
                // Messages held for the old incarnation wait for the new one to answer (or go another way).
                if (parked is not null)
                {
                    peer.Parked = parked;
                    SendProbe(peer);
                }
            }
            return peer;
        }
        _peers[node.Id] = peer = NewPeer(node);
        return peer;
    }

    private PeerState NewPeer(NodeHandle node) =>
        new(node, new RttEstimator(_settings.ProbeTimeout, _settings.MinTimeout, _settings.MaxTimeout));

    /// <summary>Probes a node unless a probe to it is already out (its answer will do).</summary>
    private void ProbeIfIdle(NodeHandle? node)
    {
        if (node is not null && PeerFor(node) is { PendingNonce: 0 } peer) SendProbe(peer);
    }

    private void SendProbe(PeerState peer)
    {
        if (peer.PendingNonce != 0) _host.CancelTimer(new ProbeTimeout(peer.Handle.Id, peer.PendingNonce));
        peer.PendingNonce = ++_nextNonce;
        peer.SentAt = _host.Now;
        peer.LastProbeNonce = peer.PendingNonce;
        peer.LastProbeSentAt = peer.SentAt;
        Send(peer.Handle.Address, new Probe(Self, peer.PendingNonce, LeafSetArray()), maintenance: true);
        _host.StartTimer(new ProbeTimeout(peer.Handle.Id, peer.PendingNonce), peer.Rtt.TimeoutFor(peer.Attempts));
    }

    private void OnProbe(Probe probe)
    {
        if (!IsAcceptable(probe.From) || !AreAcceptable(probe.LeafSet, 2 * _settings.LeafSetSize + 1)) { Drop("malformed probe"); return; }
        // Admit first: a live node between us and our neighbour is our neighbour now, and gets the lease.
        Heard(probe.From);
        Send(probe.From.Address, new ProbeReply(Self, probe.Nonce, LeafSetArray(), GrantsLease(probe.From)), maintenance: true);
        Compare(probe.From, probe.LeafSet);
    }

    private void OnProbeReply(ProbeReply reply)
    {
        if (!IsAcceptable(reply.From) || !AreAcceptable(reply.LeafSet, 2 * _settings.LeafSetSize + 1)) { Drop("malformed probe reply"); return; }
        // A reply answers one of our probes: the node must be one we probed (still tracked, or just given up on)
        // and the nonce one we issued. Anything else is forged or misdirected and must not enter the tables.
        if (reply.Nonce <= 0 || reply.Nonce > _nextNonce || (!_peers.ContainsKey(reply.From.Id) && !_failed.ContainsKey(reply.From.Id)))
        {
            Drop("probe reply from a node never probed");
            return;
        }
        if (_peers.TryGetValue(reply.From.Id, out var peer) && peer.PendingNonce == reply.Nonce && peer.Handle == reply.From)
            peer.Rtt.Sample(_host.Now - peer.SentAt);
        TakeLease(reply, peer);
        AdoptRelayRoute(reply);
        Heard(reply.From);
        Compare(reply.From, reply.LeafSet);
    }

    private void OnLeafSetInfo(LeafSetInfo info)
    {
        if (!IsAcceptable(info.From) || !AreAcceptable(info.LeafSet, 2 * _settings.LeafSetSize + 1)) { Drop("malformed leaf set"); return; }
        Heard(info.From);
        Compare(info.From, info.LeafSet);
    }

    /// <summary>
    /// Reconciles our leaf set with a neighbour's: nodes it knows that would improve our tables are verified;
    /// members of ours that it should hold but does not (it may have found them dead) are probed ourselves.
    /// Neither side trusts the other's verdict, so an intransitive link cannot make one node kill another.
    /// </summary>
    private void Compare(NodeHandle sender, NodeHandle[] theirs)
    {
        foreach (var node in theirs) Consider(node);
        if (!IsReady) return;
        (RingId?, RingId?)? reach = null;
        foreach (var mine in LeafSet.MemberArray)
        {
            if (mine.Id == sender.Id || Names(theirs, mine.Id)) continue;
            reach ??= LeafSet.Reach(sender.Id, theirs, _settings.LeafSetSize);
            // A leaf set that is not full takes anything, so its omissions say nothing unless its owner is our
            // neighbour: a joiner probing the nodes its join named sends the little it knows yet, and every far node
            // it probed used to probe its own whole leaf set in answer (33 probes per join in a 1,000-node ring).
            if (reach.Value.Item1 is null && !LeafSet.Contains(sender.Id)) return;
            if (!LeafSet.WouldReach(sender.Id, reach.Value, mine)) continue;
            // A member heard from within the last probe interval is as fresh as our own probing keeps it, so the
            // neighbour's omission is not news yet. A shorter window let two neighbours that disagree about a
            // node drive a third to probe them alternately at round-trip cadence for as long as they disagree.
            var peer = PeerFor(mine);
            if (peer.PendingNonce == 0 && (peer.LastHeard is not { } heard || _host.Now - heard > _settings.ProbeInterval))
                SendProbe(peer);
        }
    }

    private static bool Names(NodeHandle[] handles, RingId id)
    {
        foreach (var n in handles)
            if (n.Id == id) return true;
        return false;
    }

    private void OnProbeTimeout(ProbeTimeout timeout)
    {
        if (!_peers.TryGetValue(timeout.Peer, out var peer) || peer.PendingNonce != timeout.Nonce) return;
        peer.PendingNonce = 0;
        peer.Attempts++;
        if (peer.Attempts <= _settings.ProbeRetries) SendProbe(peer);
        else if (peer.Candidate && !IsInTables(peer.Handle)) Forget(peer.Handle);
        else if (!StartRelayRound(peer)) DeclareDead(peer.Handle);
        // Suspected now, so routing skips it: what waited for it goes another way without waiting for the verdict.
        ReleaseParked(peer, reachable: false);
    }

    private void Forget(NodeHandle node)
    {
        _candidates.Remove(node.Id);
        Verified(node.Id);
        _peers.Remove(node.Id);
        _failed[node.Id] = (node, _host.Now);
        // A node named at our join that never answered no longer stands between us and a key.
        if (_joinVerifying.Remove(node.Id) && _held.Count > 0) ReleaseHeld();
    }

    private void DeclareDead(NodeHandle node)
    {
        Forget(node);
        RememberDead(node);
        Counters.DeclaredDead++;
        var leftLeafSet = LeafSet.Remove(node.Id);
        if (leftLeafSet) LeafSetChangedNow();
        var slot = Table.Remove(node.Id);
        _host.OnEvent(new NodeDeclaredDead(node));
        if (leftLeafSet) RepairLeafSet();
        if (slot is var (row, _)) RepairRow(row);
        if (_held.Count > 0) ReleaseHeld();
    }

    /// <summary>
    /// After losing a member: tell the rest of the leaf set (each verifies the death itself) and fetch the leaf set
    /// of the farthest member on each short side, whose nodes refill ours.
    /// </summary>
    private void RepairLeafSet()
    {
        var members = LeafSetArray();
        foreach (var m in members) Send(m.Address, new LeafSetInfo(Self, members), maintenance: true);
        foreach (var side in new[] { LeafSet.Clockwise, LeafSet.CounterClockwise })
        {
            if (side.Count >= LeafSet.HalfSize || side.Count == 0) continue;
            ProbeIfIdle(side[^1]);
        }
    }

    private void RepairRow(int row)
    {
        var helpers = Table.Row(row).ToList();
        if (helpers.Count == 0) helpers = LeafSet.Members.ToList();
        if (helpers.Count == 0) return;
        var helper = helpers[_host.Random.Next(helpers.Count)];
        Send(helper.Address, new RowRequest(Self, row), maintenance: true);
    }

    private void OnProbeTick()
    {
        _host.StartTimer(ProbeTick.Instance, _settings.ProbeInterval);
        var now = _host.Now;
        foreach (var (id, failure) in _failed.ToList())
            if (now - failure.At > _settings.FailedMemory)
            {
                _failed.Remove(id);
                _lastRecheck.Remove(id);
            }
        PruneIdlePeers();
        if (!IsReady) return;
        if (_held.Count > 0) ReleaseHeld();

        // The immediate neighbours every round (this is also the periodic leaf-set exchange), plus one other
        // member in turn that has been quiet for a round; the others are covered by their own neighbours, and a
        // death anywhere is pushed to the whole leaf set by RepairLeafSet.
        var members = LeafSet.Members.ToList();
        ProbeIfIdle(LeafSet.Successor);
        ProbeIfIdle(LeafSet.Predecessor);
        for (var i = 0; i < members.Count; i++)
        {
            var m = members[(_probeCursor + i) % members.Count];
            if (m == LeafSet.Successor || m == LeafSet.Predecessor) continue;
            var peer = PeerFor(m);
            if (peer.PendingNonce != 0 || peer.LastHeard is { } heard && now - heard < _settings.ProbeInterval) continue;
            SendProbe(peer);
            _probeCursor = (_probeCursor + i + 1) % members.Count;
            break;
        }
    }

    private void PruneIdlePeers()
    {
        if (_peers.Count <= LeafSet.Size + Table.Count + 16) return;
        foreach (var (id, peer) in _peers.ToList())
            if (peer.PendingNonce == 0 && !LeafSet.Contains(id) && !Table.Contains(id))
            {
                _peers.Remove(id);
                _candidates.Remove(id);
            }
    }

    /// <summary>
    /// A routing-table hop whose liveness is in doubt: a probe to it is in flight, or it has been quiet for
    /// route-probe-idle (a probe is sent now). Leaf-set members are probed every round and are never in doubt here.
    /// </summary>
    private PeerState? HopInDoubt(NodeHandle next)
    {
        if (LeafSet.Contains(next.Id)) return null;
        var peer = PeerFor(next);
        if (peer.PendingNonce != 0) return peer;
        if (peer.LastHeard is { } heard && _host.Now - heard <= _settings.RouteProbeIdle) return null;
        SendProbe(peer);
        return peer;
    }

    private void OnRowRequest(RowRequest request)
    {
        if (!IsAcceptable(request.From) || request.Row < 0 || request.Row >= Table.Rows) { Drop("malformed row request"); return; }
        Heard(request.From);
        var entries = Table.Row(request.Row).Append(Self).ToArray();
        Send(request.From.Address, new RowReply(Self, request.Row, entries), maintenance: true);
    }

    private void OnRowReply(RowReply reply)
    {
        if (!IsAcceptable(reply.From) || !AreAcceptable(reply.Entries, Table.Columns + 1)) { Drop("malformed row reply"); return; }
        Heard(reply.From);
        foreach (var n in reply.Entries) Consider(n);
    }

    private void OnTableMaintenance()
    {
        _host.StartTimer(TableMaintenanceTick.Instance, _settings.TableMaintenanceInterval);
        if (!IsReady) return;
        var rows = Enumerable.Range(0, Table.HighestPopulatedRow + 1).Where(r => Table.Row(r).Any()).ToList();
        if (rows.Count == 0) return;
        var row = rows[_host.Random.Next(rows.Count)];
        var entries = Table.Row(row).ToList();
        Send(entries[_host.Random.Next(entries.Count)].Address, new RowRequest(Self, row), maintenance: true);
    }
}
