using Akka.Actor;
using Akka.Event;
using ePost.Overlay;
using ePost.Storage.Objects;
using ePost.Storage.Wire;

namespace ePost.Storage.Replication;

/// <summary>
/// The writer's side of an insert when receipts are required: it counts the receipts by its own view of the replica
/// set and, when the root's fall short, sends its copy to the holders it names itself before it fails the insert.
/// </summary>
/// <remarks>
/// A root that knows fewer nodes than the writer (one it has not admitted yet) asks only the replicas it knows and
/// counts by its own, smaller majority; the writer, counting by its view, would wait for a receipt nobody was asked
/// for. Rather than trust the root to ask for the writer's count, the writer asks the missing holders itself: each
/// still admits the copy by its own view (within admission slack), so the writer gains no power to place data, and
/// every receipt is checked by <see cref="ReceiptQuorum"/> as the root's are. Nothing here waits on a timer but the
/// insert's own deadline: the answers of the holders asked and every change of the leaf set re-judge the count.
/// </remarks>
public sealed partial class ReplicaManager
{
    /// <summary>The root answered without a refusal: judge its receipts, and ask for the missing ones if they fall short.</summary>
    private void OnRootReceipts(InsertAck ack, PendingWrite write)
    {
        if (ack.Reason != RefusalReason.None)
        {
            // A refusal (too large, over quota, stale version) is about the object, not about views: it is final.
            _writes.Remove(ack.Op);
            Timers.Cancel(("op", ack.Op));
            write.ReplyTo.Tell(new InsertFailed(write.Id, ack.Reason, ack.Message, 0));
            return;
        }
        write.Collecting = true;
        write.RootAcks = ack.Acks;
        write.RootReceipts = ack.Receipts ?? [];
        CollectReceipts(ack.Op, write);
    }

    /// <summary>
    /// Counts the receipts so far; proven, the insert is done. Short, the copy goes to every one of the r + slack nodes
    /// this node knows closest to the id that has no counted receipt and was not asked yet; the insert then waits for
    /// their answers, a change of view or its deadline. It fails before the deadline only on a refusal no view changes.
    /// </summary>
    private void CollectReceipts(RequestId op, PendingWrite write)
    {
        var count = CountReceipts(op, write);
        if (count.Proven)
        {
            _writes.Remove(op);
            Timers.Cancel(("op", op));
            write.ReplyTo.Tell(new Inserted(write.Id, count.Counted.Count, count.Counted));
            return;
        }
        var counted = count.Counted.Select(r => r.Holder).ToHashSet();
        var ask = _range.Closest(write.Id, _settings.ReplicationFactor + _settings.AdmissionSlack)
            .Where(n => !counted.Contains(n.Id) && write.Asked.Add(n.Id)).ToList();
        foreach (var holder in ask) write.Awaiting[holder.Id] = holder;
        foreach (var holder in ask)
        {
            // A copy to this node is stored and answered at once, which may already have settled the insert.
            if (!IsPending(op, write)) return;
            SendObject(holder, op, TransferPurpose.Replicate, write.LeaseMs, write.Encoded!);
        }
        if (IsPending(op, write) && write.Awaiting.Count == 0 && write.Refusal is not null) FailCollecting(op, write);
    }

    /// <summary>A holder's answer to the writer's own copy counts only from a holder the writer asked, about the id it sent.</summary>
    private void OnHolderAnswer(NodeHandle from, ReplicaAck ack)
    {
        if (!_writes.TryGetValue(ack.Op, out var write) || !write.Collecting || ack.Id != write.Id
            || !write.Awaiting.TryGetValue(from.Id, out var asked) || !IsFrom(asked, from))
        {
            RefuseReply(nameof(ReplicaAck), ack.Id, from);
            return;
        }
        write.Awaiting.Remove(from.Id);
        if (ack.Held && ack.Receipt is { } receipt) write.HolderReceipts.Add(receipt);
        else if (ack.Reason is not (RefusalReason.None or RefusalReason.NotResponsible) && write.Refusal is null) write.Refusal = (ack.Reason, ack.Message);
        CollectReceipts(ack.Op, write);
    }

    /// <summary>The leaf set changed: every insert still short of receipts is judged again by the new view (it may need fewer, or know a holder more).</summary>
    private void RecollectReceipts()
    {
        foreach (var (op, write) in _writes.Where(w => w.Value.Collecting).ToList())
            if (IsPending(op, write)) CollectReceipts(op, write);
    }

    /// <summary>Fails a collecting insert with its count: at its deadline, or on a holder's refusal with nothing left to ask.</summary>
    private void FailCollecting(RequestId op, PendingWrite write)
    {
        _writes.Remove(op);
        Timers.Cancel(("op", op));
        var count = CountReceipts(op, write);
        if (count.Refused.Count > 0)
            _log.Warning("Receipts for {0} that do not count: {1}", write.Id.ToShortString(), string.Join("; ", count.Refused.Take(4)));
        var message = $"{count.Counted.Count} of the {count.Needed} valid replica receipts needed arrived (the root counted {write.RootAcks}; "
                      + $"{write.Asked.Count - write.Awaiting.Count} of the {write.Asked.Count} holders asked directly answered)"
                      + (count.Refused.Count > 0 ? $"; refused {string.Join("; ", count.Refused.Take(2))}" : "");
        write.ReplyTo.Tell(write.Refusal is { } refusal
            ? new InsertFailed(write.Id, refusal.Reason, $"{refusal.Message} ({message})", count.Counted.Count)
            : new InsertFailed(write.Id, RefusalReason.None, message, count.Counted.Count));
    }

    /// <summary>
    /// The writer's judgement of every receipt offered so far. The holders' own come first: they answer copies this
    /// node sent, so a root that offers a flood of junk cannot crowd them out of what the quorum reads.
    /// </summary>
    private ReceiptCount CountReceipts(RequestId op, PendingWrite write) =>
        _quorum.Count(op, write.Id, write.Digest, write.HolderReceipts.Concat(write.RootReceipts), _self.Id,
            _range.Known.Select(n => n.Id).ToList(), write.Root?.Id);

    private bool IsPending(RequestId op, PendingWrite write) => _writes.TryGetValue(op, out var pending) && ReferenceEquals(pending, write);
}
