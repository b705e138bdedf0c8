using Akka.Event;
using ePost.Overlay;
using ePost.Storage.Wire;

namespace ePost.Storage.Glacier;

/// <summary>
/// Maintenance: each holder walks the fragments after its own (i+1, i+2, ...) until it meets one that is held, then
/// rebuilds the run of missing ones before it from any m fragments. Every gap thus has one rebuilder, the last
/// surviving holder before it, and probing costs about one query per fragment per round. A holder that is no longer
/// the root of its own fragment's position hands the fragment to the new root instead of walking.
/// </summary>
public sealed partial class GlacierActor
{
    private readonly Dictionary<RequestId, Check> _probes = new();
    private readonly Dictionary<RequestId, (HeldFragment Held, NodeHandle Root)> _handOffs = new();
    private MaintenanceRound? _round;
    private FragmentKey? _cursor;
    private int _rebuildsInFlight;
    private long _rebuilt, _rebuildsFailed, _handedOff, _probesSent, _transfersRefused;

    /// <summary>True while a round's checks, rebuilds, hand-offs or the placing of rebuilt fragments are under way.</summary>
    private bool MaintenanceRunning => _round is not null || _rebuildsInFlight > 0 || _handOffs.Count > 0 || _placements.Values.Any(p => p.Container is null);

    private void StartMaintenanceRound()
    {
        if (_round is not null) return;
        var keys = _store.List(_cursor, _settings.MaintenanceBatch);
        // The next round continues after this batch; after the last batch it starts over.
        _cursor = keys.Count < _settings.MaintenanceBatch ? null : keys[^1];
        if (keys.Count == 0) return;
        _round = new MaintenanceRound(new Queue<FragmentKey>(keys));
        RunChecks();
    }

    private void RunChecks()
    {
        var round = _round;
        if (round is null) return;
        while (round.Running < _settings.MaxConcurrentChecks && round.Pending.Count > 0)
        {
            var held = _store.Get(round.Pending.Dequeue());
            if (held is null || RemainingMs(held.Expiry) is null || held.Manifest.N == 1) continue;
            round.Running++;
            var check = new Check(held) { Next = (held.Index + 1) % held.Manifest.N };
            WithRoot(held.Manifest.Position(held.Index), root =>
            {
                if (root is null) FinishCheck(check);
                else if (IsSelf(root)) ProbeNext(check);
                else
                {
                    // Another node is now the root of this position (it joined nearer to it): hand it our copy
                    // and leave the walk to it, so a gap is never rebuilt twice.
                    HandOff(held, root);
                    FinishCheck(check);
                }
            });
        }
        if (round.Running == 0 && round.Pending.Count == 0) _round = null;
    }

    private void ProbeNext(Check check)
    {
        if (check.Next == check.Held.Index)
        {
            // Walked all the way round: every other fragment is missing.
            FinishCheck(check);
            return;
        }
        var op = NextOp();
        _probes[op] = check;
        _probesSent++;
        Timers.StartSingleTimer(("probe", op), new OpExpired(OpKind.Probe, op), _settings.FragmentTimeout);
        var manifest = check.Held.Manifest;
        var index = check.Next;
        WithRoot(manifest.Position(index), root =>
        {
            if (!_probes.ContainsKey(op)) return;
            check.Root = root;
            if (root is null) OnProbeTimeout(op);
            else Send(root, new FragmentQuery(op, manifest.ContainerId, index, Fetch: false));
        });
    }

    /// <summary>An answer counts only for an outstanding query, from the node asked, about the fragment asked about.</summary>
    private void OnAnswer(NodeHandle from, FragmentAnswer answer)
    {
        if (OnCountAnswer(from, answer)) return;
        if (_handOffs.TryGetValue(answer.Op, out var handOff))
        {
            if (!IsFrom(handOff.Root, from) || !IsAbout(answer, handOff.Held.Manifest.ContainerId, handOff.Held.Index))
            {
                RefuseReply(nameof(FragmentAnswer), answer.Container, from);
                return;
            }
            _handOffs.Remove(answer.Op);
            OnHandOffAnswer(answer, handOff.Held, handOff.Root);
            return;
        }
        if (!_probes.TryGetValue(answer.Op, out var check))
        {
            OnFetchAnswer(from, answer);
            return;
        }
        if (!IsFrom(check.Root, from) || !IsAbout(answer, check.Held.Manifest.ContainerId, check.Next))
        {
            RefuseReply(nameof(FragmentAnswer), answer.Container, from);
            return;
        }
        _probes.Remove(answer.Op);
        Timers.Cancel(("probe", answer.Op));
        if (answer.Held)
        {
            FinishCheck(check);
            return;
        }
        if (check.Root is { } root && _store.Get(new FragmentKey(check.Held.Manifest.ContainerId, check.Next)) is { } mine)
        {
            // The position has a new root and the old copy is ours: hand it over rather than rebuild it, and let
            // the new root walk on from there.
            OnHandOffAnswer(answer, mine, root);
            FinishCheck(check);
            return;
        }
        check.Missing.Add(check.Next);
        check.Next = (check.Next + 1) % check.Held.Manifest.N;
        ProbeNext(check);
    }

    /// <summary>An unanswered probe proves nothing (the root may be dead and not yet noticed): rebuild only what was confirmed missing.</summary>
    private void OnProbeTimeout(RequestId op)
    {
        _handOffs.Remove(op);
        if (!_probes.Remove(op, out var check)) return;
        Timers.Cancel(("probe", op));
        FinishCheck(check);
    }

    private void FinishCheck(Check check)
    {
        if (check.Missing.Count > 0 && _round is { } round && round.Rebuilds < _settings.MaxRebuildsPerRound)
        {
            round.Rebuilds++;
            Rebuild(check.Held, check.Missing);
        }
        if (_round is not null) _round.Running--;
        RunChecks();
    }

    /// <summary>Asks the new root whether it holds the fragment and sends it only if not, so the old copy (kept until its lease ends) is sent once.</summary>
    private void HandOff(HeldFragment held, NodeHandle root)
    {
        var op = NextOp();
        _handOffs[op] = (held, root);
        _probesSent++;
        Timers.StartSingleTimer(("probe", op), new OpExpired(OpKind.Probe, op), _settings.FragmentTimeout);
        Send(root, new FragmentQuery(op, held.Manifest.ContainerId, held.Index, Fetch: false));
    }

    private void OnHandOffAnswer(FragmentAnswer answer, HeldFragment held, NodeHandle root)
    {
        Timers.Cancel(("probe", answer.Op));
        if (answer.Held || RemainingMs(held.Expiry) is not { } leaseMs) return;
        var op = NextOp();
        Track(op, new Placement(null, held.Manifest, held.Index, held.Data, LeaseMs: leaseMs, HandOff: true, Holder: root));
        SendTransfer(root, op, leaseMs, new FragmentTransfer(FragmentTransferKind.Store, held.Manifest, held.Index, held.Data));
    }

    private void Rebuild(HeldFragment held, List<int> missing)
    {
        var manifest = held.Manifest;
        if (RemainingMs(held.Expiry) is not { } leaseMs) return;
        var n = manifest.N;
        var gap = missing.ToHashSet();
        // Sources: nearest after the gap first (they answered "held" a moment ago), never the missing ones.
        var candidates = Enumerable.Range(1, n - 1).Select(d => (held.Index + d) % n).Where(i => !gap.Contains(i));
        _rebuildsInFlight++;
        var gathering = new Gathering(manifest.Reference, candidates, _settings.RestoreTimeout,
            g =>
            {
                _rebuildsInFlight--;
                // One decode rebuilds every missing fragment of the container: re-encoding it gives all n fragments,
                // and with them every Merkle path under the writer's signed root (which must come out the same).
                var fragments = TryDecode(g, out var bytes, out _, out var problem) ? CodecFor(n, manifest.M).Encode(bytes) : null;
                if (fragments is null || manifest.ForEveryFragment(fragments) is not { } all)
                {
                    _rebuildsFailed += missing.Count;
                    _log.Warning("Could not rebuild {0} fragments of {1}: {2}", missing.Count, manifest.Reference,
                        problem ?? "the re-encoded fragments do not match the signed Merkle root");
                    return;
                }
                foreach (var index in missing) Place(new Placement(null, all[index], index, fragments[index], LeaseMs: leaseMs));
            },
            (_, why) =>
            {
                _rebuildsInFlight--;
                _rebuildsFailed += missing.Count;
                _log.Warning("Could not rebuild {0} fragments of {1}: {2}", missing.Count, manifest.Reference, why);
            })
        {
            Manifest = manifest,
        };
        gathering.Fragments[held.Index] = held.Data;
        StartGathering(gathering);
    }

    private sealed class MaintenanceRound(Queue<FragmentKey> pending)
    {
        public Queue<FragmentKey> Pending { get; } = pending;
        public int Running { get; set; }
        public int Rebuilds { get; set; }
    }

    private sealed class Check(HeldFragment held)
    {
        public HeldFragment Held { get; } = held;
        public int Next { get; set; }
        public NodeHandle? Root { get; set; }
        public List<int> Missing { get; } = new();
    }
}
