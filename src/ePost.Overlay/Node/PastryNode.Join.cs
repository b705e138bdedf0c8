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

    private void SendJoin(int attempt)
    {
        _joinAttempt = attempt;
        var bootstrap = _bootstraps[attempt % _bootstraps.Length];
        Send(bootstrap, new JoinRequest(Self, Self, 0, []), maintenance: true);
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
                Reject(j, "node id already in use by " + Self.Address, retry: false);
            else Drop("malformed join request");
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

        if (IsStopping) { Reject(request.Joiner, "node is shutting down", retry: true); return; }
        if (!IsReady) { Reject(request.Joiner, "node is not ready", retry: true); return; }
        if (!TakeJoinToken()) { Reject(request.Joiner, "node is busy", retry: true); return; }

        RouteJoin(request with { Learned = CollectRows(request) });
    }

    /// <summary>Accepts the join as its root, or passes it one hop on (acknowledged, rerouted if the hop is lost).</summary>
    private void RouteJoin(JoinRequest request)
    {
        var next = NextHop.For(request.Joiner.Id, LeafSet, Table, n => n.Id != request.Joiner.Id && IsUsable(n));
        if (next is null)
        {
            var leaves = LeafSet.Members.Where(n => n.Id != request.Joiner.Id).Append(Self).ToArray();
            Send(request.Joiner.Address, new JoinAccepted(Self, leaves, request.Learned), maintenance: true);
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

    private void Reject(NodeHandle joiner, string reason, bool retry)
    {
        Counters.JoinsRejected++;
        Send(joiner.Address, new JoinRejected(Self, reason, retry), maintenance: true);
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
        if (healing)
        {
            MergeFrom(accepted);
            return;
        }
        // These handles come from the live tables of the nodes on the join path, moments ago: trust them
        // directly (as Pastry does) rather than probing a hundred nodes before becoming ready.
        foreach (var n in accepted.LeafSet.Concat(accepted.Learned).Append(accepted.Root))
            if (n.Id != Self.Id) Admit(n);
        Heard(accepted.Root);
        BecomeReady();
    }

    private void OnJoinRejected(JoinRejected rejected)
    {
        if (IsReady && ExpectsHealingAnswer) return; // a busy node refused a healing join; the next tick retries
        if (IsReady || _bootstraps.Length == 0 || !IsAcceptable(rejected.From)) { Drop("unexpected join rejection"); return; }
        if (rejected.Retry) ScheduleJoinRetry();
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
