using Akka.Event;
using ePost.Core.Ids;
using ePost.Overlay;
using ePost.Storage.Leases;
using ePost.Storage.Local;
using ePost.Storage.Repair;
using ePost.Storage.Transfer;
using ePost.Storage.Wire;

namespace ePost.Storage.Replication;

/// <summary>
/// Replica maintenance: Bloom-filter digests of this node's range to the neighbours that share it, rate-limited
/// fetches of what is missing, scrubbing of stored copies, and hand-off of objects that left this node's range.
/// </summary>
public sealed partial class ReplicaManager
{
    /// <summary>Ids per digest: 10,000 ids (the store's page limit) at 8 bits each stay far below Akka.Remote's frame limit.</summary>
    private const int DigestPage = 10_000;

    /// <summary>Largest Bloom filter accepted from a neighbour.</summary>
    private const int MaxFilterBytes = 40_000;

    /// <summary>Most ids waiting to be fetched; offers beyond it wait for a later round.</summary>
    private const int MaxQueuedFetches = 100_000;

    private readonly Queue<(RingId Id, NodeHandle From)> _fetchQueue = new();
    private readonly HashSet<RingId> _queued = new();
    private readonly Dictionary<RequestId, (RingId Id, NodeHandle From, TimeSpan SentAt)> _repairInFlight = new();
    private readonly Random _random = new();
    private long _round;
    private long _repairFetches;
    private RingId? _scrubCursor;
    private RingId? _handOffCursor;
    private TimeSpan? _lastScrub;

    /// <summary>A repair round; it also re-verifies a batch of stored copies when <paramref name="scrub"/> (asked for) or once the scrub interval has passed.</summary>
    private void StartRepairRound(bool scrub = false)
    {
        _round++;
        // Scrubbing (decode and signature check of up to a batch of copies) finds disk corruption, which does not come
        // faster when the leaf set changes: under churn rounds came every few seconds, and in the whole-system
        // simulation their Ed25519 checks were the largest share of the CPU (docs/performance.md).
        if (scrub || _lastScrub is not { } last || _time.Elapsed - last >= _settings.ScrubInterval)
        {
            _lastScrub = _time.Elapsed;
            var scrubbed = _store.Scrub(_scrubCursor, _settings.CollectionBatch);
            _scrubCursor = scrubbed.Next;
            if (scrubbed.Dropped.Count > 0) _log.Warning("Scrub dropped {0} corrupt copies; repair refetches them", scrubbed.Dropped.Count);
        }

        var partners = _range.Partners();
        if (partners.Count == 0) return;
        var arc = _range.ResponsibleArc();
        var start = arc.Start;
        RingId? after = null;
        do
        {
            var page = _store.ListRange(arc, after, DigestPage);
            var filter = BloomFilter.Create(page.Items.Count, (ulong)_random.NextInt64());
            var bucketMs = (long)_settings.RepairLeaseBucket.TotalMilliseconds;
            foreach (var item in page.Items)
                if (RemainingMs(item.Expiry) is { } remaining) filter.Add(LeaseAwareDigest.Key(item.Id, remaining, bucketMs));
            var end = page.Next is null ? arc.End : page.Items[^1].Id;
            var digest = new RepairDigest(_round, start, end, filter.Encode(), bucketMs);
            foreach (var partner in partners) Send(partner, digest);
            start = end + One;
            after = page.Next;
        } while (after is not null);
        HandOff(arc);
    }

    /// <summary>What a neighbour is missing of its range: the ids held here on its arc that its filter lacks.</summary>
    private void OnRepairDigest(NodeHandle from, RepairDigest digest)
    {
        BloomFilter filter;
        try
        {
            filter = BloomFilter.Decode(digest.Filter, MaxFilterBytes);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidDataException)
        {
            _log.Warning("Ignored a malformed repair digest from {0}: {1}", from, e.Message);
            return;
        }
        if (digest.LeaseBucketMs <= 0) { _log.Warning("Ignored a repair digest from {0} without a lease bucket", from); return; }
        var missing = new List<(RingId Id, long RemainingMs)>();
        RingId? after = null;
        var arc = new RingArc(digest.Start, digest.End);
        do
        {
            var page = _store.ListRange(arc, after, 5_000);
            var held = page.Items.Select(i => (i.Id, Remaining: RemainingMs(i.Expiry))).Where(i => i.Remaining is not null).Select(i => (i.Id, i.Remaining!.Value));
            missing.AddRange(LeaseAwareDigest.Offers(held, filter, digest.LeaseBucketMs, _settings.RepairMaxOffer - missing.Count));
            after = missing.Count < _settings.RepairMaxOffer ? page.Next : null;
        } while (after is not null);
        if (missing.Count > 0) Send(from, new RepairOffer(digest.Round, missing.Select(m => m.Id).ToArray(), missing.Select(m => m.RemainingMs).ToArray()));
    }

    private void OnRepairOffer(NodeHandle from, RepairOffer offer)
    {
        var leases = offer.LeaseMs is { } l && l.Length == offer.Ids.Length ? l : null;
        for (var i = 0; i < offer.Ids.Length && i < _settings.RepairMaxOffer; i++)
        {
            var id = offer.Ids[i];
            if (_store.Contains(id))
            {
                // Held already, maybe with a shorter lease: a neighbour's longer remaining lease extends ours.
                if (leases is not null && LeaseDuration.TryFromMilliseconds(leases[i], out var lease) && _range.IsReplica(id))
                    _store.ExtendLease(id, CappedExpiry(lease));
                continue;
            }
            if (_queued.Count >= MaxQueuedFetches) break;
            if (!_range.IsReplica(id) || !_queued.Add(id)) continue;
            _fetchQueue.Enqueue((id, from));
            WakeFetch();
        }
    }

    /// <summary>The rate limit: at most fetch-batch requests in flight, topped up every fetch-tick.</summary>
    private void FetchMissing()
    {
        var now = _time.Elapsed;
        _assembler.ExpireOld(now);
        foreach (var stale in _repairInFlight.Where(f => now - f.Value.SentAt > _settings.TransferTimeout).Select(f => f.Key).ToList())
            ForgetRepairFetch(stale);
        while (_repairInFlight.Count < _settings.FetchBatch && _fetchQueue.TryDequeue(out var next))
        {
            if (_store.Contains(next.Id))
            {
                _queued.Remove(next.Id);
                continue;
            }
            var op = NextOp();
            _repairInFlight[op] = (next.Id, next.From, now);
            Send(next.From, new FetchRequest(op, next.Id, Repair: true));
        }
        // Idle: nothing to fetch, nothing in flight, no transfer half received. The tick sleeps until there is.
        if (_fetchQueue.Count == 0 && _repairInFlight.Count == 0 && _assembler.Pending == 0) Timers.Cancel("fetch");
    }

    /// <summary>
    /// Runs the fetch tick while there is work for it: queued repair fetches, fetches in flight, or transfers partly
    /// received (which it expires). An idle node then has no 100 ms timer waking it.
    /// </summary>
    private void WakeFetch()
    {
        if (!Timers.IsTimerActive("fetch")) Timers.StartPeriodicTimer("fetch", Tick.Fetch, _settings.FetchTick);
    }

    /// <summary>Ends a repair fetch (answered "not held", or stale) so the id can be offered and fetched again.</summary>
    private void ForgetRepairFetch(RequestId op)
    {
        if (_repairInFlight.Remove(op, out var fetch)) _queued.Remove(fetch.Id);
    }

    private void OnRepairAnswer(NodeHandle from, AssembledObject received)
    {
        if (!_repairInFlight.TryGetValue(received.Op, out var fetch) || !IsFrom(fetch.From, from))
        {
            RefuseReply("repair copy", received.Op, from);
            return;
        }
        ForgetRepairFetch(received.Op);
        var check = Objects.ObjectValidator.DecodeAndCheck(received.Encoded, _settings.MaxObjectBytes, out var value);
        if (!check.IsAccepted || value!.Id != fetch.Id)
        {
            _log.Warning("Discarded a repair copy of {0}: {1}", fetch.Id, check.IsAccepted ? "it is a different object" : check.Message);
            return;
        }
        var put = Put(received.Encoded, received.LeaseMs);
        if (put.IsHeld) _repairFetches++;
        else _log.Warning("Could not keep a repair copy of {0}: {1}", fetch.Id, put);
    }

    /// <summary>
    /// Offers objects held here but outside this node's range to the nodes whose range they are now in; they fetch
    /// what they lack. The local copy stays until its lease ends: the store has no delete, by design.
    /// </summary>
    private void HandOff(RingArc arc)
    {
        if (arc == RingArc.Whole) return;
        var outside = new RingArc(arc.End + One, arc.Start - One);
        // The cursor is where the last round stopped on the arc outside the range then; the leaf set may have moved
        // the range since, leaving the cursor off today's arc (the store refuses such a cursor): start it again.
        if (_handOffCursor is { } cursor && !outside.Contains(cursor)) _handOffCursor = null;
        var page = _store.ListRange(outside, _handOffCursor, _settings.HandOffBatch);
        _handOffCursor = page.Next;
        foreach (var group in page.Items
                     .SelectMany(item => _range.ReplicasFor(item.Id).Where(n => !IsSelf(n)).Select(n => (Node: n, item.Id)))
                     .GroupBy(p => p.Node))
            Send(group.Key, new RepairOffer(_round, group.Select(p => p.Id).Take(_settings.RepairMaxOffer).ToArray()));
    }

    private static readonly RingId One = RingId.FromBytes([.. new byte[RingId.ByteLength - 1], 1]);
}
