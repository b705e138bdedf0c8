using Akka.Actor;
using Akka.Event;
using ePost.Core.Hashing;
using ePost.Core.Ids;
using ePost.Overlay;
using ePost.Storage.Leases;
using ePost.Storage.Local;
using ePost.Storage.Objects;
using ePost.Storage.Transfer;
using ePost.Storage.Wire;

namespace ePost.Storage.Replication;

/// <summary>Inserts and renewals: the writer's node finds the root; the root stores, forwards to the other replicas and counts acknowledgements.</summary>
public sealed partial class ReplicaManager
{
    private readonly Dictionary<RequestId, PendingWrite> _writes = new();
    private readonly Dictionary<RequestId, Coordination> _coordinations = new();

    private void OnInsert(Insert insert)
    {
        var check = ObjectValidator.Check(insert.Object, _settings.MaxObjectBytes);
        if (!check.IsAccepted)
        {
            _refusedAtOrigin++;
            Sender.Tell(new InsertFailed(insert.Object.Id, check.Reason, check.Message, 0));
            return;
        }
        var op = NextOp();
        var encoded = insert.Object.Encode();
        var id = insert.Object.Id;
        // With receipts required the writer keeps the bytes until they are proven held: it may have to ask holders itself.
        _writes[op] = new PendingWrite(Sender, id, Renewal: false)
        {
            Digest = Sha256.Hash(encoded), Encoded = _settings.RequireReceipts ? encoded : null, LeaseMs = insert.Lease.Milliseconds,
        };
        Timers.StartSingleTimer(("op", op), new OpExpired(OpKind.Write, op), _settings.InsertTimeout);
        WithRoot(id, root =>
        {
            if (!_writes.TryGetValue(op, out var write)) return;
            write.Root = root;
            if (root is null) FinishWrite(op, 0, $"the root of {id.ToShortString()} was not found");
            else if (IsSelf(root)) CoordinateInsert(_self, op, encoded, insert.Lease.Milliseconds);
            else SendObject(root, op, TransferPurpose.Insert, insert.Lease.Milliseconds, encoded);
        });
    }

    private void OnRenew(Renew renew)
    {
        var op = NextOp();
        _writes[op] = new PendingWrite(Sender, renew.Id, Renewal: true);
        Timers.StartSingleTimer(("op", op), new OpExpired(OpKind.Write, op), _settings.InsertTimeout);
        WithRoot(renew.Id, root =>
        {
            if (!_writes.TryGetValue(op, out var write)) return;
            write.Root = root;
            if (root is null) FinishWrite(op, 0, $"the root of {renew.Id.ToShortString()} was not found");
            else Send(root, new RenewRequest(op, renew.Id, renew.Lease.Milliseconds, Coordinate: true));
        });
    }

    /// <summary>At the root: store the writer's object, then copy it to the other replicas and count acknowledgements.</summary>
    private void CoordinateInsert(NodeHandle origin, RequestId originOp, byte[] encoded, long leaseMs)
    {
        var check = ObjectValidator.DecodeAndCheck(encoded, _settings.MaxObjectBytes, out var decoded);
        var id = decoded?.Id ?? RingId.Zero;
        var replicas = _range.ReplicasFor(id);
        var needed = replicas.Count / 2 + 1;
        if (check.IsAccepted && !Admits(id))
        {
            Send(origin, new InsertAck(originOp, id, 0, needed, RefusalReason.NotResponsible, $"{_self.Id.ToShortString()} is not a replica of {id.ToShortString()} by its leaf set"));
            return;
        }
        if (check.IsAccepted && NotificationCap(decoded!, origin.Address) is { } capped)
        {
            Send(origin, new InsertAck(originOp, id, 0, needed, RefusalReason.OverQuota, capped));
            return;
        }
        // The writer's node is charged here, at the root; the other replicas take the root's copy uncharged.
        var put = Put(encoded, leaseMs, check.IsAccepted ? new WriterCharge(origin.Address, _settings.WriterQuotaBytes) : null);
        if (!check.IsAccepted || !put.IsHeld)
        {
            var reason = check.IsAccepted ? put.Reason : check.Reason;
            var message = check.IsAccepted ? put.Message : check.Message;
            Send(origin, new InsertAck(originOp, id, 0, needed, reason, message));
            return;
        }
        var coordination = new Coordination(origin, originOp, id, needed, Renewal: false)
        {
            Digest = Sha256.Hash(encoded),
            Forward = (to, op) => SendObject(to, op, TransferPurpose.Replicate, leaseMs, encoded),
        };
        // The next closest nodes stand in for replicas that refuse (their leaf set differs from this root's) or stay
        // silent (dead, not yet noticed): each admits the copy by its own view within admission-slack.
        foreach (var spare in _range.Closest(id, replicas.Count + _settings.AdmissionSlack).Skip(replicas.Count).Where(n => !IsSelf(n)))
            coordination.Spares.Enqueue(spare);
        if (Receipt(originOp, id, coordination.Digest, put.Expiry) is { } own) coordination.Receipts.Add(own);
        StartCoordination(coordination, replicas);
    }

    /// <summary>Why a new notification deposit from <paramref name="writer"/> is refused: it already has the most waiting for this recipient here; null when it is not.</summary>
    private string? NotificationCap(StoredObject value, string writer)
    {
        if (value is not NotificationObject { IsWithdrawn: false } || _store.Contains(value.Id)) return null;
        var (first, last) = NotificationObject.ArcOf(value.Id);
        var waiting = _store.CountCharged(new RingArc(first, last), writer);
        return waiting < _settings.MaxNotificationsPerSender ? null
            : $"This sender already has {waiting} notifications waiting for this recipient here (at most {_settings.MaxNotificationsPerSender}); try again once they are collected.";
    }

    /// <summary>This node's signed receipt for a copy it holds until <paramref name="expiry"/>; null without a node key.</summary>
    private StorageReceipt? Receipt(RequestId request, RingId id, byte[] digest, LeaseInstant? expiry) =>
        _signer is not null && RemainingMs(expiry) is { } remaining ? StorageReceipt.Sign(_signer, request, id, digest, remaining, _certificate) : null;

    private void OnRenewRequest(NodeHandle from, RenewRequest renew)
    {
        // Only a held object is extended, and never beyond max-lease from now.
        var held = LeaseDuration.TryFromMilliseconds(renew.LeaseMs, out var lease) && _store.ExtendLease(renew.Id, CappedExpiry(lease)) is not null;
        if (!renew.Coordinate)
        {
            Send(from, new ReplicaAck(renew.Op, renew.Id, held, RefusalReason.None, held ? "extended" : "not held here"));
            return;
        }
        var replicas = _range.ReplicasFor(renew.Id);
        var coordination = new Coordination(from, renew.Op, renew.Id, replicas.Count / 2 + 1, Renewal: true)
        {
            Acks = held ? 1 : 0,
            Forward = (to, op) => Send(to, renew with { Op = op, Coordinate = false }),
        };
        StartCoordination(coordination, replicas);
    }

    private void StartCoordination(Coordination coordination, IReadOnlyList<NodeHandle> replicas)
    {
        if (!coordination.Renewal) coordination.Acks = 1;
        var others = replicas.Where(n => !IsSelf(n)).ToList();
        foreach (var other in others) coordination.Awaiting[other.Id] = other;
        // An insert's copies go out under the writer's own request id, so the replicas' receipts name the writer's request.
        var op = coordination.Renewal || _coordinations.ContainsKey(coordination.OriginOp) ? NextOp() : coordination.OriginOp;
        _coordinations[op] = coordination;
        foreach (var other in others) coordination.Forward(other, op);
        // The root answers a little before the writer's own timeout so the writer hears the count, not a timeout.
        Timers.StartSingleTimer(("coord", op), new OpExpired(OpKind.Coordination, op), _settings.InsertTimeout * 0.8);
        if (coordination.Spares.Count > 0) Timers.StartSingleTimer(("hedge", op), new OpExpired(OpKind.Hedge, op), _settings.InsertTimeout * 0.4);
        Evaluate(op, coordination, final: false);
    }

    private void StoreReplica(NodeHandle from, AssembledObject received)
    {
        var check = ObjectValidator.DecodeAndCheck(received.Encoded, _settings.MaxObjectBytes, out var value);
        var id = check.IsAccepted ? value!.Id : RingId.Zero;
        if (check.IsAccepted && !Admits(id))
        {
            Send(from, new ReplicaAck(received.Op, id, false, RefusalReason.NotResponsible, $"not a replica of {id.ToShortString()} by this node's leaf set"));
            return;
        }
        var charge = check.IsAccepted ? ChargeFor(from, id) : null;
        if (charge is not null && NotificationCap(value!, charge.Writer) is { } capped)
        {
            Send(from, new ReplicaAck(received.Op, id, false, RefusalReason.OverQuota, capped));
            return;
        }
        var put = Put(received.Encoded, received.LeaseMs, charge);
        var receipt = put.IsHeld ? Receipt(received.Op, id, Sha256.Hash(received.Encoded), put.Expiry) : null;
        Send(from, new ReplicaAck(received.Op, id, put.IsHeld, put.Reason, put.Message, receipt));
    }

    /// <summary>Counts a replica's answer once, and only from a replica this root forwarded to, about the key it forwarded.</summary>
    private void OnReplicaAck(NodeHandle from, ReplicaAck ack)
    {
        if (!_coordinations.TryGetValue(ack.Op, out var coordination))
        {
            OnHolderAnswer(from, ack);
            return;
        }
        if (ack.Id != coordination.Id || !coordination.Awaiting.TryGetValue(from.Id, out var asked) || !IsFrom(asked, from))
        {
            RefuseReply(nameof(ReplicaAck), ack.Id, from);
            return;
        }
        coordination.Awaiting.Remove(from.Id);
        // A receipt is passed on only if it is the replica's own, for this request and these bytes. Its signature and
        // certificate are the writer's to check (it trusts no root), so the root does not spend a verification on them.
        if (ack.Held && ack.Receipt is { } receipt && coordination.Digest is { } digest && receipt.HolderKey is { Length: Core.Crypto.Ed25519.PublicKeyLength }
            && receipt.Holder == from.Id && receipt.Request == ack.Op && receipt.Object == coordination.Id && receipt.ContentDigest.AsSpan().SequenceEqual(digest))
            coordination.Receipts.Add(receipt);
        if (ack.Held) coordination.Acks++;
        else if ((ack.Reason != RefusalReason.NotResponsible || !TryForwardToSpare(ack.Op, coordination))
                 && coordination.Refusal == RefusalReason.None && ack.Reason != RefusalReason.None)
            (coordination.Refusal, coordination.RefusalMessage) = (ack.Reason, ack.Message);
        Evaluate(ack.Op, coordination, final: false);
    }

    /// <summary>Sends the copy to the next spare, which the root then awaits like a replica; false when none is left.</summary>
    private bool TryForwardToSpare(RequestId op, Coordination coordination)
    {
        if (!coordination.Spares.TryDequeue(out var spare)) return false;
        coordination.Awaiting[spare.Id] = spare;
        coordination.Forward(spare, op);
        return true;
    }

    /// <summary>Part way to the deadline and still short of the acknowledgements needed: the spares are asked too.</summary>
    private void OnHedge(RequestId op)
    {
        if (!_coordinations.TryGetValue(op, out var coordination) || coordination.Acks >= coordination.Needed) return;
        while (coordination.Spares.Count > 0) TryForwardToSpare(op, coordination);
    }

    /// <summary>Answers the writer once the outcome is certain: a majority acknowledged, or it can no longer.</summary>
    private void Evaluate(RequestId op, Coordination c, bool final)
    {
        // Below a majority of r (this root may not know every replica yet), every replica asked is heard first, so the
        // writer, which counts receipts by its own view of the replica set, gets every receipt there is.
        var succeeded = c.Acks >= c.Needed && (c.Acks >= _settings.Majority || c.Outstanding == 0 || final);
        if (!succeeded && !final && c.Acks + c.Outstanding >= c.Needed) return;
        _coordinations.Remove(op);
        Timers.Cancel(("coord", op));
        Timers.Cancel(("hedge", op));
        var message = succeeded ? "ok"
            : c.Refusal != RefusalReason.None ? c.RefusalMessage
            : $"{c.Acks} of the {c.Needed} acknowledgements needed arrived in time";
        if (c.Renewal) Send(c.Origin, new RenewAck(c.OriginOp, c.Id, c.Acks, c.Needed, message));
        else Send(c.Origin, new InsertAck(c.OriginOp, c.Id, c.Acks, c.Needed, succeeded ? RefusalReason.None : c.Refusal, message, c.Receipts.ToArray()));
    }

    /// <summary>The root's verdict counts only for an outstanding insert, from the root it was sent to, about the id inserted.</summary>
    private void OnInsertAck(NodeHandle from, InsertAck ack)
    {
        if (!_writes.TryGetValue(ack.Op, out var write) || write.Renewal || write.Collecting || !IsFrom(write.Root, from) || ack.Id != write.Id)
        {
            RefuseReply(nameof(InsertAck), ack.Id, from);
            return;
        }
        if (_settings.RequireReceipts)
        {
            OnRootReceipts(ack, write);
            return;
        }
        _writes.Remove(ack.Op);
        Timers.Cancel(("op", ack.Op));
        if (ack.Acks >= ack.Needed && ack.Acks > 0) write.ReplyTo.Tell(new Inserted(write.Id, ack.Acks));
        else
        {
            if (ack.Reason != RefusalReason.None) _refusedAtOrigin++;
            write.ReplyTo.Tell(new InsertFailed(write.Id, ack.Reason, ack.Message, ack.Acks));
        }
    }

    private void OnRenewAck(NodeHandle from, RenewAck ack)
    {
        if (!_writes.TryGetValue(ack.Op, out var write) || !write.Renewal || !IsFrom(write.Root, from) || ack.Id != write.Id)
        {
            RefuseReply(nameof(RenewAck), ack.Id, from);
            return;
        }
        _writes.Remove(ack.Op);
        Timers.Cancel(("op", ack.Op));
        write.ReplyTo.Tell(ack.Held >= ack.Needed ? new Renewed(write.Id, ack.Held) : new RenewFailed(write.Id, ack.Held, ack.Message));
    }

    private void FinishWrite(RequestId op, int acks, string message)
    {
        if (!_writes.Remove(op, out var write)) return;
        Timers.Cancel(("op", op));
        write.ReplyTo.Tell(write.Renewal ? new RenewFailed(write.Id, acks, message) : new InsertFailed(write.Id, RefusalReason.None, message, acks));
    }

    private void OnOpExpired(OpExpired expired)
    {
        switch (expired.Kind)
        {
            case OpKind.Coordination:
                if (_coordinations.TryGetValue(expired.Op, out var coordination)) Evaluate(expired.Op, coordination, final: true);
                break;
            case OpKind.Write when _writes.TryGetValue(expired.Op, out var write) && write.Collecting: FailCollecting(expired.Op, write); break;
            case OpKind.Write: FinishWrite(expired.Op, 0, $"no answer from the root within {_settings.InsertTimeout}"); break;
            case OpKind.Lookup: CompleteLookup(expired.Op, final: true); break;
            case OpKind.ArcListing: FinishArcListing(expired.Op, complete: false); break;
            case OpKind.Hedge: OnHedge(expired.Op); break;
        }
    }

    /// <summary>An insert or renewal waiting for its root's verdict; <c>Root</c> is the node it was sent to, the only one whose verdict counts.</summary>
    private sealed record PendingWrite(IActorRef ReplyTo, RingId Id, bool Renewal)
    {
        public NodeHandle? Root { get; set; }
        public byte[]? Digest { get; init; }

        /// <summary>The object's encoding, kept while receipts are required: the writer may send it to holders itself.</summary>
        public byte[]? Encoded { get; init; }

        public long LeaseMs { get; init; }

        /// <summary>True once the root answered and the writer collects receipts by its own view (<see cref="CollectReceipts"/>).</summary>
        public bool Collecting { get; set; }

        /// <summary>The root's count and receipts (checked, never trusted).</summary>
        public int RootAcks { get; set; }
        public StorageReceipt[] RootReceipts { get; set; } = [];

        /// <summary>Receipts holders sent the writer directly, each in answer to its own copy.</summary>
        public List<StorageReceipt> HolderReceipts { get; } = new();

        /// <summary>Holders the writer sent its copy to (each at most once), and those that still owe an answer.</summary>
        public HashSet<RingId> Asked { get; } = new();
        public Dictionary<RingId, NodeHandle> Awaiting { get; } = new();

        /// <summary>The first refusal a holder gave that is not about place (a full store, a quota), which no other view would change.</summary>
        public (RefusalReason Reason, string Message)? Refusal { get; set; }
    }

    /// <summary>At the root: one insert or renewal being copied to the other replicas; <c>Awaiting</c> are the replicas that still owe an answer.</summary>
    private sealed record Coordination(NodeHandle Origin, RequestId OriginOp, RingId Id, int Needed, bool Renewal)
    {
        public int Acks { get; set; }
        public byte[]? Digest { get; init; }
        public List<StorageReceipt> Receipts { get; } = new();
        public Dictionary<RingId, NodeHandle> Awaiting { get; } = new();

        /// <summary>Nodes just beyond the replica set, asked in turn when a replica refuses or the hedge timer fires.</summary>
        public Queue<NodeHandle> Spares { get; } = new();

        /// <summary>How the copy (or the renewal) is sent to one more replica or spare under a request id.</summary>
        public required Action<NodeHandle, RequestId> Forward { get; init; }

        public int Outstanding => Awaiting.Count;
        public RefusalReason Refusal { get; set; }
        public string RefusalMessage { get; set; } = "";
    }
}
