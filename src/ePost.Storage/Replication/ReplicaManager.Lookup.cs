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
        var pending = new PendingLookup(Sender, lookup.Id, lookup.Newest);
        if (local.Object is not null) pending.Answers.Add(local.Object);
        pending.Asked.Add(_self.Id);
        pending.Done.Add(_self.Id);
        _lookups[op] = pending;
        Timers.StartSingleTimer(("op", op), new OpExpired(OpKind.Lookup, op), _settings.LookupTimeout);
        WithRoot(lookup.Id, root =>
        {
            if (!_lookups.ContainsKey(op)) return;
            pending.Started = true;
            if (root is null || IsSelf(root)) AskReplicas(op, pending, _range.ReplicasFor(lookup.Id));
            else Ask(op, pending, root);
            CompleteLookup(op, final: false);
        });
    }

    private void Ask(RequestId op, PendingLookup pending, NodeHandle node)
    {
        if (!pending.Asked.Add(node.Id)) return;
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
        // The root had nothing, or every version counts: ask every replica it named (bounded by r).
        if (!status.Held || pending.Newest) AskReplicas(status.Op, pending, status.Replicas.Take(_settings.ReplicationFactor));
        CompleteLookup(status.Op, final: false);
    }

    private void CompleteLookup(RequestId op, bool final)
    {
        if (!_lookups.TryGetValue(op, out var pending)) return;
        var everyoneAnswered = pending.Started && pending.Asked.IsSubsetOf(pending.Done);
        StoredObject? answer = null;
        if (!pending.Newest) answer = pending.Answers.FirstOrDefault();
        else if (final || everyoneAnswered)
            answer = ObjectValidator.SelectNewestOfAnyKind(pending.Id, pending.Answers, _settings.MaxObjectBytes);
        if (answer is null && !final && !everyoneAnswered) return;

        _lookups.Remove(op);
        Timers.Cancel(("op", op));
        if (answer is null)
        {
            pending.ReplyTo.Tell(new NotFound(pending.Id, final ? $"no valid copy within {_settings.LookupTimeout}" : "no replica holds a valid copy",
                Definitive: !final && pending.AskedNodes.Any(n => !IsSelf(n))));
            return;
        }
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

    private sealed record PendingLookup(IActorRef ReplyTo, RingId Id, bool Newest)
    {
        public List<StoredObject> Answers { get; } = new();
        public List<long> AnswerLeases { get; } = new();
        public HashSet<RingId> Asked { get; } = new();
        public HashSet<RingId> Done { get; } = new();
        public bool Started { get; set; }
        public List<NodeHandle> AskedNodes { get; } = new();
        public List<(RingId From, StoredObject Copy)> UpToDate { get; } = new();
    }
}
