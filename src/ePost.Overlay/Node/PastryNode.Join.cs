using ePost.Core.Ids;
using ePost.Overlay.Join;
using ePost.Overlay.Liveness;
using ePost.Overlay.Routing;

namespace ePost.Overlay.Node;

public sealed partial class PastryNode
{
    private string[] _bootstraps = [];
    private int _joinAttempt;
    private readonly Queue<RouteMessage> _queuedRoutes = new();
    private TimeSpan? _joinWindowStart;
    private int _joinsInWindow;
    private long _joinNonce;
    private readonly HashSet<RingId> _joinVerifying = new();

    /// <summary>A number nodes off a join's route cannot guess (the host's randomness; unseeded in production).</summary>
    private long NewJoinNonce() => _host.Random.NextInt64(1, long.MaxValue);

    private void SendJoin(int attempt)
    {
        _joinAttempt = attempt;
        if (_joinNonce == 0) _joinNonce = NewJoinNonce();
        var bootstrap = _bootstraps[attempt % _bootstraps.Length];
        Send(bootstrap, new JoinRequest(Self, Self, 0, [], JoinNonce: _joinNonce), maintenance: true);
        _host.StartTimer(new JoinTimeout(attempt), _settings.JoinTimeout);
    }

    private void ScheduleJoinRetry()
    {
        var attempt = _joinAttempt + 1;
        var backoff = TimeSpan.FromTicks(Math.Min(
            _settings.JoinRetryMax.Ticks,
            _settings.JoinRetryInitial.Ticks << Math.Min(_joinAttempt, 20)));
        _host.CancelTimer(new JoinTimeout(_joinAttempt));
        _joinAttempt = attempt;
        _host.StartTimer(new JoinRetry(attempt), backoff);
    }

    private void OnJoinTimeout(JoinTimeout timeout)
    {
        if (IsReady || timeout.Attempt != _joinAttempt) return;
        ScheduleJoinRetry();
    }

    private void OnJoinRetry(JoinRetry retry)
    {
        if (IsReady || retry.Attempt != _joinAttempt) return;
        SendJoin(retry.Attempt);
    }

    private void OnJoinRequest(JoinRequest request)
    {
        if (!IsAcceptable(request.Joiner) || request.Joiner.Id == Self.Id || !IsAcceptable(request.Sender)
            || !AreAcceptable(request.Learned, _settings.JoinMaxHandles))
        {
            if (request.Joiner is { } j && j.Id == Self.Id && j.Address != Self.Address && _network.IsValidAddress(j.Address))
                Reject(request, "node id already in use by " + Self.Address, retry: false);
            else Drop("malformed join request");
            return;
        }
        // On the first hop the joiner itself sends: it must not name itself one way as joiner and another as sender.
        if (request.Sender.Id == request.Joiner.Id && request.Sender != request.Joiner)
        {
            Forged("join request whose sender has the joiner's id but another handle");
            return;
        }
        if (request.Hops > _settings.MaxHops)
        {
            Drop("join request exceeded the hop limit");
            return;
        }
        // The first hop comes from the joiner itself, which is not ready: it must not enter our tables yet.
        if (request.Sender.Id != request.Joiner.Id) Heard(request.Sender);
        Acknowledge(request.Sender, request.HopNonce);

        if (IsStopping) { Reject(request, "node is shutting down", retry: true); return; }
        if (!IsReady) { Reject(request, "node is not ready", retry: true); return; }
        if (!TakeJoinToken()) { Reject(request, "node is busy", retry: true); return; }

        RouteJoin(request with { Learned = CollectRows(request) });
    }

    /// <summary>Accepts the join as its root, or passes it one hop on (acknowledged, rerouted if the hop is lost).</summary>
    private void RouteJoin(JoinRequest request)
    {
        var next = NextHop.For(request.Joiner.Id, LeafSet, Table, n => n.Id != request.Joiner.Id && IsUsable(n));
        if (next is null)
        {
            var leaves = LeafSet.Members.Where(n => n.Id != request.Joiner.Id).Append(Self).ToArray();
            Send(request.Joiner.Address, new JoinAccepted(Self, leaves, request.Learned, request.JoinNonce), maintenance: true);
        }
        else
            SendTracked(next, new InFlight(null, request, next));
    }

    /// <summary>Appends this node and its routing rows 0..p (p = prefix shared with the joiner) to the handles collected.</summary>
    private NodeHandle[] CollectRows(JoinRequest request)
    {
        var seen = new HashSet<RingId> { request.Joiner.Id };
        var result = new List<NodeHandle>(request.Learned.Length + 32);
        void Add(NodeHandle n)
        {
            if (result.Count < _settings.JoinMaxHandles && seen.Add(n.Id)) result.Add(n);
        }
        foreach (var n in request.Learned) Add(n);
        Add(Self);
        var shared = RingId.SharedPrefixDigits(Self.Id, request.Joiner.Id, Table.BitsPerDigit);
        for (var row = 0; row <= shared && row < Table.Rows; row++)
            foreach (var n in Table.Row(row)) Add(n);
        return result.ToArray();
    }

    private bool TakeJoinToken()
    {
        var now = _host.Now;
        if (_joinWindowStart is not { } start || now - start >= TimeSpan.FromSeconds(1))
        {
            _joinWindowStart = now;
            _joinsInWindow = 0;
        }
        return ++_joinsInWindow <= _settings.JoinMaxPerSecond;
    }

    private void Reject(JoinRequest request, string reason, bool retry)
    {
        Counters.JoinsRejected++;
        Send(request.Joiner.Address, new JoinRejected(Self, reason, retry, request.JoinNonce), maintenance: true);
    }

    private void OnJoinAccepted(JoinAccepted accepted)
    {
        var healing = IsReady && ExpectsHealingAnswer;
        if (!healing && (IsReady || _bootstraps.Length == 0)) { Drop("unexpected join acceptance"); return; }
        if (!IsAcceptable(accepted.Root) || !AreAcceptable(accepted.LeafSet, 2 * _settings.LeafSetSize + 1)
            || !AreAcceptable(accepted.Learned, _settings.JoinMaxHandles))
        {
            Drop("malformed join acceptance");
            return;
        }
        // Only a node on the join's route knows its nonce; the root itself is the proven sender (checked on receipt).
        if (accepted.JoinNonce == 0 || accepted.JoinNonce != (healing ? _healNonce : _joinNonce))
        {
            Drop("join acceptance answering no join of ours");
            return;
        }
        if (healing)
        {
            MergeFrom(accepted);
            return;
        }
        // The root proved itself; what it names is second-hand and verified like any gossip. Until the members of
        // its leaf set have answered (or failed to), this node holds deliveries for keys closer to one of them.
        Heard(accepted.Root);
        foreach (var n in accepted.LeafSet)
        {
            if (n.Id == Self.Id) continue;
            Consider(n);
            if (_peers.TryGetValue(n.Id, out var peer) && peer.Candidate) _joinVerifying.Add(n.Id);
        }
        foreach (var n in accepted.Learned)
            if (n.Id != Self.Id) Consider(n);
        BecomeReady();
    }

    /// <summary>True while a member of the join root's leaf set closer to <paramref name="key"/> than this node is still being verified.</summary>
    private bool VerifyingCloserNode(RingId key)
    {
        if (_joinVerifying.Count == 0) return false;
        _joinVerifying.RemoveWhere(id => !_peers.TryGetValue(id, out var p) || !p.Candidate);
        foreach (var id in _joinVerifying)
            if (RingId.IsCloser(key, id, Self.Id)) return true;
        return false;
    }

    private void OnJoinRejected(JoinRejected rejected)
    {
        var healing = IsReady && ExpectsHealingAnswer;
        if (healing && rejected.JoinNonce != 0 && rejected.JoinNonce == _healNonce) return; // a busy node refused a healing join; the next tick retries
        // The node that refuses for good holds our id at another address, which IsAcceptable refuses elsewhere.
        if (IsReady || _bootstraps.Length == 0 || !IsWellFormed(rejected.From)) { Drop("unexpected join rejection"); return; }
        if (rejected.JoinNonce == 0 || rejected.JoinNonce != _joinNonce) { Drop("join rejection answering no join of ours"); return; }
        if (rejected.Retry) ScheduleJoinRetry();
        // "Id in use" ends a join for good, so it is taken only from the node holding our id (the transport proved
        // the sender's id equals the handle's).
        else if (rejected.From.Id != Self.Id) Drop("permanent join rejection from a node that does not hold our id");
        else
        {
            _host.CancelTimer(new JoinTimeout(_joinAttempt));
            _host.OnEvent(new JoinFailed(rejected.Reason));
        }
    }

    private void BecomeReady()
    {
        IsReady = true;
        _host.CancelTimer(new JoinTimeout(_joinAttempt));
        _host.CancelTimer(new JoinRetry(_joinAttempt));
        var announce = new Announce(Self);
        foreach (var n in LeafSet.Members.Concat(Table.Entries).DistinctBy(n => n.Id))
            Send(n.Address, announce, maintenance: true);
        _host.OnEvent(new BecameReady(Self));
        LeafSetChangedNow();
        while (_queuedRoutes.TryDequeue(out var queued)) Forward(queued);
    }

    private void OnAnnounce(Announce announce)
    {
        if (!IsAcceptable(announce.From)) { Drop("malformed announcement"); return; }
        var wasMember = LeafSet.Get(announce.From.Id) is { } old && old == announce.From;
        Heard(announce.From);
        // A newcomer in our leaf set may have joined concurrently with other nodes near it: tell it what we know.
        if (!wasMember && LeafSet.Contains(announce.From.Id))
            Send(announce.From.Address, new LeafSetInfo(Self, LeafSetArray()), maintenance: true);
    }
}
