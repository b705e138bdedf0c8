using Akka.Actor;
using Akka.Event;
using ePost.Core.Crypto;
using ePost.Core.Erasure;
using ePost.Core.Ids;
using ePost.Core.Time;
using ePost.Overlay;
using ePost.Overlay.Node;
using ePost.Storage.Leases;
using ePost.Storage.Transfer;
using ePost.Storage.Wire;

namespace ePost.Storage.Glacier;

/// <summary>
/// The node's archive (<c>/user/node/glacier</c>): serves the Glacier API (<see cref="IGlacierCommand"/>, see
/// GlacierProtocol.cs), holds this node's fragments in glacier.db, and maintains the containers it holds fragments
/// of by probing their peers and rebuilding missing fragments.
/// </summary>
/// <remarks>
/// Like the replica store it talks to other nodes only through direct overlay sends to the roots that
/// <see cref="FindRoot"/> names; fragments travel as digest-checked chunks and are verified against their signed
/// manifest by the receiver before anything else happens.
/// </remarks>
public sealed partial class GlacierActor : ReceiveActor, IWithTimers, IWithUnboundedStash
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly GlacierSettings _settings;
    private readonly IActorRef _overlay;
    private readonly Ed25519KeyPair _signer;
    private readonly SqliteFragmentStore _store;
    private readonly LeaseClock _clock;
    private readonly IMonotonicClock _time;
    private readonly ChunkAssembler _assembler;
    private readonly Aggregator _aggregator;
    private readonly Dictionary<(int N, int M), ErasureCodec> _codecs = new();
    private readonly Dictionary<RingId, List<Action<NodeHandle?>>> _rootWaiters = new();
    private NodeHandle _self = null!;
    private long _repliesRefused;

    /// <summary>Props for the archive of a node whose overlay actor is <paramref name="overlay"/>.</summary>
    /// <param name="settings">Glacier's settings.</param>
    /// <param name="overlay">The node's <see cref="RingNode"/>.</param>
    /// <param name="signer">The key that signs the manifests of containers this node archives (the node's key).</param>
    /// <param name="dataDirectory">Where glacier.db lives.</param>
    /// <param name="time">The monotonic time source; by default the scheduler's (tests pass virtual time).</param>
    public static Props Props(GlacierSettings settings, IActorRef overlay, Ed25519KeyPair signer, string dataDirectory, IMonotonicClock? time = null) =>
        Akka.Actor.Props.Create(() => new GlacierActor(settings, overlay, signer, dataDirectory, time));

    /// <summary>Creates the actor; use <see cref="Props"/>.</summary>
    public GlacierActor(GlacierSettings settings, IActorRef overlay, Ed25519KeyPair signer, string dataDirectory, IMonotonicClock? time)
    {
        _settings = settings;
        _overlay = overlay;
        _signer = signer;
        _time = time ?? new SchedulerMonotonicClock((ITimeProvider)Context.System.Scheduler);
        _store = SqliteFragmentStore.Open(dataDirectory, settings.MaxFragmentBytes, settings.NodeBudgetBytes);
        _clock = LeaseClock.Resume(_time, _store);
        // A fetched fragment may come from a container cut with a smaller m than ours: allow a whole container (m = 1).
        _assembler = new ChunkAssembler((int)settings.MaxContainerBytes + FragmentManifest.MaxEncodedLength + 4, settings.MaxPendingTransfers, settings.TransferTimeout,
            settings.MaxPendingTransfersPerPeer, settings.MaxBufferedBytes);
        _aggregator = new Aggregator(settings.ContainerMaxBytes, settings.ContainerMaxObjects);
        Starting();
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <inheritdoc />
    public IStash Stash { get; set; } = null!;

    /// <inheritdoc />
    protected override void PreStart()
    {
        _overlay.Tell(new RegisterApplication(typeof(IGlacierMessage), Self));
        _overlay.Tell(GetNodeStatus.Instance);
    }

    /// <inheritdoc />
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

    private void Starting()
    {
        Receive<NodeStatus>(status =>
        {
            _self = status.Self;
            Timers.StartPeriodicTimer("checkpoint", Tick.Checkpoint, _settings.CheckpointInterval);
            Timers.StartPeriodicTimer("collect", Tick.Collect, _settings.CollectionInterval);
            Timers.StartPeriodicTimer("maintain", Tick.Maintain, _settings.MaintenanceInterval);
            Become(Running);
            Stash.UnstashAll();
        });
        ReceiveAny(_ => Stash.Stash());
    }

    private void Running()
    {
        Receive<Archive>(OnArchive);
        Receive<Restore>(OnRestore);
        Receive<Refresh>(OnRefresh);
        Receive<MaintainNow>(_ => StartMaintenanceRound());
        Receive<ListFragments>(_ => Sender.Tell(new HeldFragments(ListAll())));
        Receive<GetGlacierStatus>(_ => Sender.Tell(new GlacierStatus(_store.GetStats(), _rebuilt, _rebuildsFailed, _handedOff, _probesSent,
            _assembler.Rejected + _transfersRefused, MaintenanceRunning, _repliesRefused, _clock.Now, _lastRebuild)));
        Receive<CountFragments>(OnCountFragments);
        Receive<RootFound>(found => ResolveRoot(found.Key, found.Root));
        Receive<RootNotFound>(missing => ResolveRoot(missing.Key, null));
        Receive<RootWaitExpired>(expired => ResolveRoot(expired.Key, null, expired: true));
        Receive<DirectDelivered>(d => d.Payload is IGlacierMessage, d => OnWire(d.From, (IGlacierMessage)d.Payload));
        Receive<NodeStatus>(_ => { });
        Receive<Tick>(OnTick);
        Receive<OpExpired>(OnOpExpired);
    }

    private void OnTick(Tick tick)
    {
        switch (tick)
        {
            case Tick.Checkpoint: _clock.Checkpoint(); break;
            case Tick.Collect:
                var collected = _store.CollectExpired(_clock.Now, _settings.CollectionBatch);
                if (collected > 0) _log.Debug("Collected {0} fragments whose lease ended", collected);
                break;
            case Tick.Maintain: StartMaintenanceRound(); break;
        }
    }

    private void OnWire(NodeHandle from, IGlacierMessage message)
    {
        switch (message)
        {
            case FragmentChunk { Chunk: var chunk }:
                if (chunk is null || chunk.Purpose is not (TransferPurpose.Fragment or TransferPurpose.FragmentFetched))
                {
                    _transfersRefused++;
                    return;
                }
                var whole = _assembler.Accept(from.Address, chunk, _time.Elapsed, out var problem);
                if (problem is not null) _log.Warning("Rejected a fragment transfer from {0}: {1}", from, problem);
                if (whole is not null) OnTransfer(from, whole.Op, whole.LeaseMs, whole.Encoded);
                break;
            case FragmentStored stored: OnStoredReply(from, stored); break;
            case FragmentQuery query: OnQuery(from, query); break;
            case FragmentAnswer answer: OnAnswer(from, answer); break;
            case FragmentRenewal renewal: OnRenewal(from, renewal); break;
        }
    }

    private void OnTransfer(NodeHandle from, RequestId op, long leaseMs, byte[] encoded)
    {
        var transfer = FragmentTransfer.TryDecode(encoded, out var problem);
        if (transfer is null)
        {
            _transfersRefused++;
            _log.Warning("Refused a fragment from {0}: {1}", from, problem);
            // A refused store is still answered, so the writer counts it instead of waiting for its timeout.
            if (encoded.Length > 1 && encoded[0] == (byte)FragmentTransferKind.Store)
                Send(from, new FragmentStored(op, RingId.Zero, encoded[1], false, problem ?? "refused"));
            return;
        }
        if (transfer.Kind == FragmentTransferKind.Fetched)
        {
            OnFetched(from, op, transfer);
            return;
        }
        var result = LeaseDuration.TryFromMilliseconds(Math.Min(leaseMs, transfer.Manifest.Lease.Milliseconds), out var lease)
            ? _store.Put(transfer.Manifest, transfer.Index, transfer.Data, _clock.ExpiryFor(lease))
            : new FragmentPutResult(FragmentOutcome.Refused, $"a lease of {leaseMs} ms is outside 1 ms .. 10 years");
        Send(from, new FragmentStored(op, transfer.Manifest.ContainerId, transfer.Index, result.IsHeld, result.Message));
    }

    private void OnQuery(NodeHandle from, FragmentQuery query)
    {
        var held = query.Index is >= 0 and < ErasureCodec.MaxFragments ? _store.Get(new FragmentKey(query.Container, query.Index)) : null;
        if (held is null)
        {
            Send(from, new FragmentAnswer(query.Op, query.Container, query.Index, false, NotHeld));
            return;
        }
        if (!query.Fetch)
        {
            Send(from, new FragmentAnswer(query.Op, query.Container, query.Index, true, "held"));
            return;
        }
        var remaining = RemainingMs(held.Expiry) ?? 1;
        SendTransfer(from, query.Op, remaining, new FragmentTransfer(FragmentTransferKind.Fetched, held.Manifest, held.Index, held.Data));
    }

    /// <summary>Finds the root of <paramref name="key"/> and runs <paramref name="then"/> with it (null when not found in time).</summary>
    /// <remarks>The wait has its own deadline, so an overlay answer that never comes (or a forged one for another key) cannot wedge the key.</remarks>
    private void WithRoot(RingId key, Action<NodeHandle?> then)
    {
        if (_rootWaiters.TryGetValue(key, out var waiting))
        {
            waiting.Add(then);
            return;
        }
        _rootWaiters[key] = [then];
        Timers.StartSingleTimer(("root", key), new RootWaitExpired(key), _settings.FragmentTimeout);
        _overlay.Tell(new FindRoot(key));
    }

    private void ResolveRoot(RingId key, NodeHandle? root, bool expired = false)
    {
        if (!_rootWaiters.Remove(key, out var waiting))
        {
            if (!expired) RefuseReply("root", key, null);
            return;
        }
        Timers.Cancel(("root", key));
        foreach (var then in waiting) then(root);
    }

    private bool IsSelf(NodeHandle node) => node.Id == _self.Id;

    /// <summary>True when a reply delivered from <paramref name="from"/> comes from <paramref name="asked"/>: the overlay's sender, never a field of the reply.</summary>
    private static bool IsFrom(NodeHandle? asked, NodeHandle from) => asked is not null && asked.Id == from.Id && asked.Address == from.Address;

    /// <summary>Drops and counts a reply that answers nothing outstanding, comes from a peer that was not asked, or is about another fragment.</summary>
    private void RefuseReply(string kind, object about, NodeHandle? from)
    {
        _repliesRefused++;
        _log.Debug("Dropped an unsolicited {0} reply about {1} from {2}", kind, about, from?.ToString() ?? "the overlay");
    }

    /// <summary>Sends a Glacier message; to this node it is handled at once, without the overlay.</summary>
    private void Send(NodeHandle to, IGlacierMessage message)
    {
        if (IsSelf(to)) OnWire(_self, message);
        else _overlay.Tell(new SendTo(to, message));
    }

    private void SendTransfer(NodeHandle to, RequestId op, long leaseMs, FragmentTransfer transfer)
    {
        if (IsSelf(to))
        {
            OnTransfer(_self, op, leaseMs, transfer.Encode());
            return;
        }
        var purpose = transfer.Kind == FragmentTransferKind.Fetched ? TransferPurpose.FragmentFetched : TransferPurpose.Fragment;
        foreach (var chunk in Chunker.Split(op, purpose, leaseMs, transfer.Encode(), _settings.ChunkBytes))
            _overlay.Tell(new SendTo(to, new FragmentChunk(chunk)));
    }

    /// <summary>The lease still to run on a held fragment, as a duration for the wire; null when it has run out.</summary>
    private long? RemainingMs(LeaseInstant expiry)
    {
        var remaining = expiry.Milliseconds - _clock.Now.Milliseconds;
        return remaining > 0 ? Math.Min(remaining, LeaseDuration.Maximum.Milliseconds) : null;
    }

    private ErasureCodec CodecFor(int n, int m)
    {
        if (!_codecs.TryGetValue((n, m), out var codec)) _codecs[(n, m)] = codec = new ErasureCodec(n, m);
        return codec;
    }

    private List<FragmentKey> ListAll()
    {
        var keys = new List<FragmentKey>();
        FragmentKey? after = null;
        while (true)
        {
            var page = _store.List(after, 10_000);
            keys.AddRange(page);
            if (page.Count < 10_000) return keys;
            after = page[^1];
        }
    }

    private static RequestId NextOp() => RequestId.New();

    private void OnOpExpired(OpExpired expired)
    {
        switch (expired.Kind)
        {
            case OpKind.Archive: ExpireArchive(expired.Op); break;
            case OpKind.Fetch: FailFetch(expired.Op, "no answer in time"); break;
            case OpKind.Gathering: ExpireGathering(expired.Op); break;
            case OpKind.Probe: OnProbeTimeout(expired.Op); break;
            case OpKind.Placement: OnStored(expired.Op, false, "no answer from the holder in time"); break;
            case OpKind.Count: FinishCount(expired.Op); break;
        }
    }

    private enum Tick
    {
        Checkpoint,
        Collect,
        Maintain,
    }

    private enum OpKind
    {
        Archive,
        Fetch,
        Gathering,
        Probe,
        Placement,
        Count,
    }

    private sealed record OpExpired(OpKind Kind, RequestId Op);

    private sealed record RootWaitExpired(RingId Key);
}
