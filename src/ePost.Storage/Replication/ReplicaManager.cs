using Akka.Actor;
using Akka.Event;
using ePost.Core.Ids;
using ePost.Core.Time;
using ePost.Overlay.Node;
using ePost.Overlay;
using ePost.Storage.Leases;
using ePost.Storage.Local;
using ePost.Storage.Objects;
using ePost.Storage.Transfer;
using ePost.Storage.Wire;

namespace ePost.Storage.Replication;

/// <summary>
/// The node's replicated store (<c>/user/node/storage</c>): serves the storage API (<see cref="IStorageCommand"/>),
/// holds this node's share of the ring's objects in its SQLite store, coordinates inserts and renewals when this
/// node is a key's root, repairs its range from its neighbours and keeps its lease clock.
/// </summary>
/// <remarks>
/// Everything between nodes goes as direct overlay sends to nodes found with <see cref="FindRoot"/> or taken from
/// the leaf set; objects travel as digest-checked chunks (<see cref="Chunker"/>) and are verified again before
/// they are stored or handed to a reader. Leases cross the wire only as durations.
/// </remarks>
public sealed partial class ReplicaManager : ReceiveActor, IWithTimers, IWithUnboundedStash
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly StorageSettings _settings;
    private readonly IActorRef _overlay;
    private readonly IObjectStore _store;
    private readonly LeaseClock _clock;
    private readonly IMonotonicClock _time;
    private readonly ChunkAssembler _assembler;
    private readonly Core.Crypto.Ed25519KeyPair? _signer;
    private readonly byte[]? _certificate;
    private readonly ReceiptQuorum _quorum;
    private readonly Dictionary<RingId, List<Action<NodeHandle?>>> _rootWaiters = new();
    private NodeHandle _self = null!;
    private ReplicaRange _range = null!;
    private long _refusedAtOrigin;
    private long _repliesRefused;

    /// <summary>Props for the store of a node whose overlay actor is <paramref name="overlay"/> and whose data lives in <paramref name="dataDirectory"/>.</summary>
    /// <param name="settings">The storage settings.</param>
    /// <param name="overlay">The node's <see cref="RingNode"/>.</param>
    /// <param name="dataDirectory">Where node.db lives.</param>
    /// <param name="time">The monotonic time source; by default the scheduler's monotonic clock (tests pass virtual time).</param>
    /// <param name="signer">The node key (its SHA-256 is the node id) that signs a <see cref="StorageReceipt"/> for every copy stored; none: no receipts.</param>
    /// <param name="certificate">The node's encoded node certificate, attached to its receipts so writers that never met it can check it.</param>
    /// <param name="members">Which receipt keys are certified members' (by default any key: a ring without node certificates).</param>
    public static Props Props(StorageSettings settings, IActorRef overlay, string dataDirectory, IMonotonicClock? time = null, Core.Crypto.Ed25519KeyPair? signer = null,
        byte[]? certificate = null, IMemberCertification? members = null) =>
        Akka.Actor.Props.Create(() => new ReplicaManager(settings, overlay, dataDirectory, time, signer, certificate, members));

    /// <summary>Creates the actor; use <see cref="Props"/>.</summary>
    public ReplicaManager(StorageSettings settings, IActorRef overlay, string dataDirectory, IMonotonicClock? time, Core.Crypto.Ed25519KeyPair? signer,
        byte[]? certificate, IMemberCertification? members)
    {
        _settings = settings;
        _signer = signer;
        _certificate = certificate;
        _quorum = new ReceiptQuorum(settings.ReplicationFactor, settings.AdmissionSlack, members ?? UncertifiedMembers.Instance);
        _overlay = overlay;
        _time = time ?? new SchedulerMonotonicClock((ITimeProvider)Context.System.Scheduler);
        _store = SqliteObjectStore.Open(dataDirectory, settings.StoreSettings);
        _clock = LeaseClock.Resume(_time, _store);
        _assembler = new ChunkAssembler(settings.MaxObjectBytes, settings.MaxPendingTransfers, settings.TransferTimeout,
            settings.MaxPendingTransfersPerPeer, settings.MaxBufferedBytes);
        Starting();
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <inheritdoc />
    public IStash Stash { get; set; } = null!;

    /// <inheritdoc />
    protected override void PreStart()
    {
        _overlay.Tell(new RegisterApplication(typeof(IStorageMessage), Self));
        _overlay.Tell(new SubscribeOverlayEvents(Self));
        _overlay.Tell(GetNodeStatus.Instance);
    }

    /// <inheritdoc />
    /// <remarks>The overlay keeps the registration and subscription across a restart (same actor ref); only ask who this node is.</remarks>
    protected override void PostRestart(Exception reason) => _overlay.Tell(GetNodeStatus.Instance);

    /// <inheritdoc />
    protected override void PostStop()
    {
        try
        {
            _clock.Checkpoint();
        }
        finally
        {
            _store.Dispose();
        }
    }

    /// <summary>Until the overlay says who this node is, requests wait.</summary>
    private void Starting()
    {
        Receive<NodeStatus>(status =>
        {
            _self = status.Self;
            _range = new ReplicaRange(_self, status.Clockwise.Concat(status.CounterClockwise), _settings.ReplicationFactor);
            Timers.StartPeriodicTimer("checkpoint", Tick.Checkpoint, _settings.CheckpointInterval);
            Timers.StartPeriodicTimer("collect", Tick.Collect, _settings.CollectionInterval);
            Timers.StartPeriodicTimer("repair", Tick.Repair, _settings.RepairInterval);
            Become(Running);
            Stash.UnstashAll();
        });
        ReceiveAny(_ => Stash.Stash());
    }

    private void Running()
    {
        Receive<Insert>(OnInsert);
        Receive<Lookup>(OnLookup);
        Receive<Renew>(OnRenew);
        Receive<ListHeld>(_ => Sender.Tell(new HeldIds(ListAll())));
        Receive<GetStorageStatus>(_ =>
        {
            var now = _clock.Now;
            Sender.Tell(new StorageStatus(_store.GetStats(), now, _assembler.Rejected + _refusedAtOrigin, _repairFetches, _repliesRefused,
                _store.LeasesDueBefore(now + StorageStatus.LeaseWindow)));
        });
        Receive<RepairNow>(_ => StartRepairRound(scrub: true));
        Receive<ListArc>(OnListArc);
        Receive<ClientPut>(OnClientPut);
        Receive<ClientGet>(get => Self.Tell(new Lookup(get.Id), Context.ActorOf(ClientReplyAdapter.Props(Sender, get.Id))));
        Receive<ClientListHeld>(_ => Sender.Tell(new ClientHeldIds(ListAll().ToArray())));
        Receive<RootFound>(found => ResolveRoot(found.Key, found.Root));
        Receive<RootNotFound>(missing => ResolveRoot(missing.Key, null));
        Receive<RootWaitExpired>(expired => ResolveRoot(expired.Key, null, expired: true));
        Receive<DirectDelivered>(d => d.Payload is IStorageMessage, d => OnWire(d.From, (IStorageMessage)d.Payload));
        Receive<Delivered>(d => _log.Debug("Ignored a routed storage message {0}: storage uses direct sends", d.Payload.GetType().Name));
        Receive<LeafSetChanged>(changed =>
        {
            _range = new ReplicaRange(_self, changed.Members, _settings.ReplicationFactor);
            Timers.StartSingleTimer("settle", Tick.Repair, _settings.RepairSettle);
            RecollectReceipts();
        });
        Receive<OverlayEvent>(_ => { });
        Receive<NodeStatus>(_ => { });
        Receive<Tick>(OnTick);
        Receive<OpExpired>(OnOpExpired);
    }

    private void OnClientPut(ClientPut put)
    {
        if (put.Encoded.Length > ClientProtocol.MaxEncodedBytes)
        {
            Sender.Tell(new ClientPutResult(RingId.Zero, false, 0, $"TooLarge: a client put carries at most {ClientProtocol.MaxEncodedBytes} bytes"));
            return;
        }
        var check = ObjectValidator.DecodeAndCheck(put.Encoded, _settings.MaxObjectBytes, out var value);
        if (!check.IsAccepted || value is null || !LeaseDuration.TryFromMilliseconds(put.LeaseMilliseconds, out var lease))
        {
            _refusedAtOrigin++;
            Sender.Tell(new ClientPutResult(value?.Id ?? RingId.Zero, false, 0, check.IsAccepted ? "a lease must be 1 ms .. 10 years" : $"{check.Reason}: {check.Message}"));
            return;
        }
        Self.Tell(new Insert(value, lease), Context.ActorOf(ClientReplyAdapter.Props(Sender, value.Id)));
    }

    private void OnTick(Tick tick)
    {
        switch (tick)
        {
            case Tick.Checkpoint: _clock.Checkpoint(); break;
            case Tick.Collect:
                var collected = _store.CollectExpired(_clock.Now, _settings.CollectionBatch);
                if (collected > 0) _log.Debug("Collected {0} objects whose lease ended", collected);
                break;
            case Tick.Repair: StartRepairRound(); break;
            case Tick.Fetch: FetchMissing(); break;
        }
    }

    private void OnWire(NodeHandle from, IStorageMessage message)
    {
        switch (message)
        {
            case ObjectChunk chunk:
                // Slots are counted per sending address: the transport's identity, not the epoch a peer may vary at will.
                var whole = _assembler.Accept(from.Address, chunk, _time.Elapsed, out var problem);
                if (problem is not null) _log.Warning("Rejected an object transfer from {0}: {1}", from, problem);
                if (_assembler.Pending > 0) WakeFetch();
                if (whole is not null) OnObject(from, whole);
                break;
            case InsertAck ack: OnInsertAck(from, ack); break;
            case ReplicaAck ack: OnReplicaAck(from, ack); break;
            case FetchRequest fetch: OnFetchRequest(from, fetch); break;
            case FetchStatus status: OnFetchStatus(from, status); break;
            case RenewRequest renew: OnRenewRequest(from, renew); break;
            case RenewAck ack: OnRenewAck(from, ack); break;
            case RepairDigest digest: OnRepairDigest(from, digest); break;
            case RepairOffer offer: OnRepairOffer(from, offer); break;
            case ArcQuery query: OnArcQuery(from, query); break;
            case ArcAnswer answer: OnArcAnswer(from, answer); break;
        }
    }

    private void OnObject(NodeHandle from, AssembledObject received)
    {
        switch (received.Purpose)
        {
            case TransferPurpose.Insert: CoordinateInsert(from, received.Op, received.Encoded, received.LeaseMs); break;
            case TransferPurpose.Replicate: StoreReplica(from, received); break;
            case TransferPurpose.Lookup: OnLookupAnswer(from, received); break;
            case TransferPurpose.Repair: OnRepairAnswer(from, received); break;
        }
    }

    /// <summary>Finds the root of <paramref name="key"/> and runs <paramref name="then"/> with it (null when not found in time).</summary>
    /// <remarks>
    /// The wait has its own deadline: an overlay answer that never comes (lost, or replaced by a forged reply for
    /// another key) fails this key's waiters instead of leaving every later request for it queued behind them.
    /// </remarks>
    private void WithRoot(RingId key, Action<NodeHandle?> then)
    {
        if (_rootWaiters.TryGetValue(key, out var waiting))
        {
            waiting.Add(then);
            return;
        }
        _rootWaiters[key] = [then];
        Timers.StartSingleTimer(("root", key), new RootWaitExpired(key), _settings.LookupTimeout);
        _overlay.Tell(new FindRoot(key));
    }

    private void ResolveRoot(RingId key, NodeHandle? root, bool expired = false)
    {
        if (!_rootWaiters.Remove(key, out var waiting))
        {
            // An answer for a key nobody here asked about: a forgery, or a late answer after the wait expired.
            if (!expired) RefuseReply("root", key, null);
            return;
        }
        Timers.Cancel(("root", key));
        foreach (var then in waiting) then(root);
    }

    private bool IsSelf(NodeHandle node) => node.Id == _self.Id;

    /// <summary>True when a reply delivered from <paramref name="from"/> comes from <paramref name="asked"/>: the overlay's sender, never a field of the reply.</summary>
    private static bool IsFrom(NodeHandle? asked, NodeHandle from) => asked is not null && asked.Id == from.Id && asked.Address == from.Address;

    /// <summary>Drops and counts a reply that answers nothing outstanding, comes from a peer that was not asked, or is about another key.</summary>
    private void RefuseReply(string kind, object about, NodeHandle? from)
    {
        _repliesRefused++;
        _log.Debug("Dropped an unsolicited {0} reply about {1} from {2}", kind, about, from?.ToString() ?? "the overlay");
    }

    /// <summary>Sends a storage message to a node; to this node it is handled at once, without the overlay.</summary>
    private void Send(NodeHandle to, IStorageMessage message)
    {
        if (IsSelf(to)) OnWire(_self, message);
        else _overlay.Tell(new SendTo(to, message));
    }

    private void SendObject(NodeHandle to, RequestId op, TransferPurpose purpose, long leaseMs, byte[] encoded)
    {
        foreach (var chunk in Chunker.Split(op, purpose, leaseMs, encoded, _settings.ChunkBytes)) Send(to, chunk);
    }

    /// <summary>The lease still to run on a held object, as a duration for the wire; null when it has run out.</summary>
    private long? RemainingMs(LeaseInstant? expiry)
    {
        if (expiry is null) return null;
        var remaining = expiry.Value.Milliseconds - _clock.Now.Milliseconds;
        return remaining > 0 ? Math.Min(remaining, LeaseDuration.Maximum.Milliseconds) : null;
    }

    /// <summary>Stores a copy with a lease clipped to <c>max-lease</c>, charged to <paramref name="charge"/> (null: to nobody).</summary>
    private PutResult Put(byte[] encoded, long leaseMs, WriterCharge? charge = null)
    {
        if (!LeaseDuration.TryFromMilliseconds(leaseMs, out var lease))
            return PutResult.Refused(ValidationResult.Refuse(RefusalReason.Malformed, $"Lease of {leaseMs} ms is outside 1 ms..10 years."));
        return _store.Put(encoded, CappedExpiry(lease), charge);
    }

    /// <summary>When a lease asked for now ends on this node: never later than <c>max-lease</c> from now.</summary>
    private LeaseInstant CappedExpiry(LeaseDuration lease) => _clock.ExpiryFor(lease.CompareTo(_settings.MaxLease) > 0 ? _settings.MaxLease : lease);

    /// <summary>Whether this node stores <paramref name="id"/> at all: only as one of its replicas by its own leaf set (with the admission slack).</summary>
    private bool Admits(RingId id) => _range.IsReplica(id, _self.Id, _settings.AdmissionSlack);

    /// <summary>What a copy sent by <paramref name="from"/> is charged to: nothing when the sender is itself a replica of the id (its root charged the writer), else the sender.</summary>
    private WriterCharge? ChargeFor(NodeHandle from, RingId id) =>
        !IsSelf(from) && _range.IsReplica(id, from.Id, _settings.AdmissionSlack) ? null : new WriterCharge(from.Address, _settings.WriterQuotaBytes);

    private List<RingId> ListAll()
    {
        var ids = new List<RingId>();
        RingId? after = null;
        do
        {
            var page = _store.ListRange(RingArc.Whole, after, 10_000);
            ids.AddRange(page.Items.Select(i => i.Id));
            after = page.Next;
        } while (after is not null);
        return ids;
    }

    private static RequestId NextOp() => RequestId.New();

    private enum Tick
    {
        Checkpoint,
        Collect,
        Repair,
        Fetch,
    }

    private enum OpKind
    {
        Write,
        Coordination,
        Lookup,
        ArcListing,
        Hedge,
    }

    private sealed record OpExpired(OpKind Kind, RequestId Op);

    private sealed record RootWaitExpired(RingId Key);
}
