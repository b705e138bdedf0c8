using Akka.Actor;
using Akka.Event;
using ePost.Core.Ids;
using ePost.Overlay;
using ePost.Storage.Local;
using ePost.Storage.Objects;
using ePost.Storage.Transfer;
using ePost.Storage.Wire;

namespace ePost.Storage.Replication;

/// <summary>Lookups: the local copy, then the key's root, then every replica the root names; every copy verified on arrival.</summary>
public sealed partial class ReplicaManager
{
    private readonly Dictionary<RequestId, PendingLookup> _lookups = new();

    private void OnLookup(Lookup lookup)
    {
        var local = _store.Get(lookup.Id);
        if (local.Outcome == GetOutcome.Corrupt) _log.Warning("Local copy of {0} was corrupt and is dropped: {1}", lookup.Id, local.Problem);
        if (local.Outcome == GetOutcome.Found && !lookup.Newest)
        {
            Sender.Tell(new Found(local.Object!));
            return;
        }
        var op = NextOp();
        // The replica set as far as this node can tell: r, or every node it knows in a ring smaller than that.
        var quorum = new ReadQuorum(lookup.Id, Math.Min(_settings.ReplicationFactor, _range.KnownNodes), _store.NewestVersionSeen(lookup.Id));
        var pending = new PendingLookup(Sender, lookup.Id, lookup.Newest, quorum);
        // A node near the id knows its replicas by its own leaf set, whatever the root says; a node far from it does not.
        var near = _range.IsReplica(lookup.Id, _self.Id, _settings.ReplicationFactor);
        pending.OwnView.AddRange(near ? _range.ReplicasFor(lookup.Id) : []);
        var ownView = pending.OwnView;
        if (local.Object is not null) pending.Answers.Add(local.Object);
        pending.Asked.Add(_self.Id);
        pending.Done.Add(_self.Id);
        quorum.Name(ownView.Select(n => n.Id));
        if (near) quorum.Heard(_self.Id, local.Object is not null);
        _lookups[op] = pending;
        Timers.StartSingleTimer(("op", op), new OpExpired(OpKind.Lookup, op), _settings.LookupTimeout);
        WithRoot(lookup.Id, root =>
        {
            if (!_lookups.ContainsKey(op)) return;
            pending.Started = true;
            if (root is null || IsSelf(root)) AskReplicas(op, pending, _range.ReplicasFor(lookup.Id));
            else
            {
                Ask(op, pending, root);
                // Newest versions are not taken from the root's word alone: the replicas this node knows are asked too.
                if (lookup.Newest) AskReplicas(op, pending, ownView);
            }
            CompleteLookup(op, final: false);
        });
    }

    private void Ask(RequestId op, PendingLookup pending, NodeHandle node)
    {
        // Bounded: every node asked names at most r others, and a lookup asks at most 3r nodes in all.
        if (pending.AskedNodes.Count >= 3 * _settings.ReplicationFactor || !pending.Asked.Add(node.Id)) return;
        pending.AskedNodes.Add(node);
        Send(node, new FetchRequest(op, pending.Id, Repair: false));
    }

    private void AskReplicas(RequestId op, PendingLookup pending, IEnumerable<NodeHandle> replicas)
    {
        foreach (var replica in replicas) Ask(op, pending, replica);
    }

    /// <summary>Serves a reader or a repairing neighbour: the object's chunks if held, then a <see cref="FetchStatus"/>.</summary>
    private void OnFetchRequest(NodeHandle from, FetchRequest fetch)
    {
        var got = _store.Get(fetch.Id);
        if (got.Outcome == GetOutcome.Corrupt) _log.Warning("Copy of {0} was corrupt and is dropped: {1}", fetch.Id, got.Problem);
        var remaining = got.Outcome == GetOutcome.Found ? RemainingMs(got.Expiry) : null;
        if (remaining is not null)
            SendObject(from, fetch.Op, fetch.Repair ? TransferPurpose.Repair : TransferPurpose.Lookup, remaining.Value, got.Object!.Encode());
        Send(from, new FetchStatus(fetch.Op, fetch.Id, remaining is not null, _range.ReplicasFor(fetch.Id).ToArray()));
    }

    private void OnLookupAnswer(NodeHandle from, AssembledObject received)
    {
        if (!_lookups.TryGetValue(received.Op, out var pending) || !pending.AskedNodes.Any(n => IsFrom(n, from)))
        {
            RefuseReply("lookup copy", received.Op, from);
            return;
        }
        var check = ObjectValidator.DecodeAndCheck(received.Encoded, _settings.MaxObjectBytes, out var value);
        if (!check.IsAccepted || value!.Id != pending.Id)
        {
            _log.Warning("Discarded a copy of {0} from {1}: {2}", pending.Id, from, check.IsAccepted ? "it is a different object" : check.Message);
            return;
        }
        if (!pending.Quorum.Admits(value))
        {
            // An older version than this node already verified: stale or a lie, never an answer; but the object exists.
            _log.Warning("Discarded version {0} of {1} from {2}: this node has seen version {3}", ObjectValidator.VersionOf(value), pending.Id, from, pending.Quorum.Floor);
            pending.Quorum.Heard(from.Id, held: true);
            return;
        }
        pending.Quorum.Heard(from.Id, held: true);
        pending.Answers.Add(value);
        pending.AnswerLeases.Add(received.LeaseMs);
        pending.UpToDate.Add((from.Id, value));
    }

    /// <summary>
    /// A status counts only for an outstanding fetch, from a node this reader asked, about the id it asked for: a peer
    /// that was not asked can neither end a lookup with "not found" nor add nodes to the ones asked.
    /// </summary>
    private void OnFetchStatus(NodeHandle from, FetchStatus status)
    {
        if (_repairInFlight.TryGetValue(status.Op, out var repair))
        {
            if (!IsFrom(repair.From, from) || repair.Id != status.Id) RefuseReply(nameof(FetchStatus), status.Id, from);
            else if (!status.Held) ForgetRepairFetch(status.Op);
            return;
        }
        if (!_lookups.TryGetValue(status.Op, out var pending) || status.Id != pending.Id || !pending.AskedNodes.Any(n => IsFrom(n, from))
            || !pending.Done.Add(from.Id))
        {
            RefuseReply(nameof(FetchStatus), status.Id, from);
            return;
        }
        var named = status.Replicas.Take(_settings.ReplicationFactor).ToList();
        pending.Quorum.Name(named.Select(n => n.Id));
        // Its copy (if any) arrived before its status; a node that says "held" and sends nothing has no copy for this reader.
        if (!pending.UpToDate.Any(u => u.From == from.Id)) pending.Quorum.Heard(from.Id, held: false);
        // Nothing here yet, or every version counts: ask every replica it named (bounded by r), whoever answered.
        if (!status.Held || pending.Newest) AskReplicas(status.Op, pending, named.Concat(pending.OwnView));
        CompleteLookup(status.Op, final: false);
    }

    private void CompleteLookup(RequestId op, bool final)
    {
        if (!_lookups.TryGetValue(op, out var pending)) return;
        var everyoneAnswered = pending.Started && pending.Asked.IsSubsetOf(pending.Done);
        StoredObject? answer = null;
        var admitted = pending.Answers.Where(pending.Quorum.Admits).ToList();
        if (!pending.Newest) answer = admitted.FirstOrDefault();
        else if (final || everyoneAnswered)
            answer = ObjectValidator.SelectNewestOfAnyKind(pending.Id, admitted, _settings.MaxObjectBytes);
        if (answer is null && !final && !everyoneAnswered) return;

        _lookups.Remove(op);
        Timers.Cancel(("op", op));
        if (answer is null)
        {
            // "The ring has none" only on the word of a majority of the replica set, never of one root.
            var definitive = !final && pending.Quorum.IsDefinitivelyAbsent();
            var seen = pending.Quorum.Floor is { } floor ? $" (none as new as version {floor}, which this node has seen)" : "";
            pending.ReplyTo.Tell(new NotFound(pending.Id,
                final ? $"no valid copy within {_settings.LookupTimeout}{seen}"
                : definitive ? "no replica holds a valid copy"
                : $"the nodes that answered hold no valid copy, but they are not a majority of its replicas{seen}",
                Definitive: definitive));
            return;
        }
        if (ObjectValidator.VersionOf(answer) is { } version) _store.RememberVersion(answer.Id, version);
        pending.ReplyTo.Tell(new Found(answer));
        var leaseMs = pending.AnswerLeases.DefaultIfEmpty(0).Max();
        RestoreIfReplica(answer, leaseMs);
        if (pending.Newest && answer is not ContentBlock && leaseMs > 0) RepairStaleReplicas(pending, answer, leaseMs);
    }

    /// <summary>
    /// Read repair for versioned objects (signed objects, certificates, notifications): every replica asked that did not return this version gets it (the Bloom
    /// filters of repair compare ids, not versions, so this is how a replica that missed updates converges).
    /// </summary>
    private void RepairStaleReplicas(PendingLookup pending, StoredObject newest, long leaseMs)
    {
        var encoded = newest.Encode();
        foreach (var node in pending.AskedNodes)
            if (!IsSelf(node) && !pending.UpToDate.Any(u => u.From == node.Id && u.Copy.SameBytesAs(newest)))
                SendObject(node, NextOp(), TransferPurpose.Replicate, leaseMs, encoded);
    }

    /// <summary>A reader that is itself a replica and lacked the copy (missed, or dropped as corrupt) keeps the good one it just read.</summary>
    private void RestoreIfReplica(StoredObject value, long leaseMs)
    {
        if (leaseMs <= 0 || !_range.IsReplica(value.Id)) return;
        var put = Put(value.Encode(), leaseMs);
        if (put.Outcome is PutOutcome.Stored or PutOutcome.Updated) _log.Info("Restored {0} from a replica while reading it", value.Id);
    }

    private sealed record PendingLookup(IActorRef ReplyTo, RingId Id, bool Newest, ReadQuorum Quorum)
    {
        public List<StoredObject> Answers { get; } = new();
        public List<long> AnswerLeases { get; } = new();
        public HashSet<RingId> Asked { get; } = new();
        public HashSet<RingId> Done { get; } = new();
        public bool Started { get; set; }
        public List<NodeHandle> AskedNodes { get; } = new();
        public List<NodeHandle> OwnView { get; } = new();
        public List<(RingId From, StoredObject Copy)> UpToDate { get; } = new();
    }
}
