using Akka.Actor;
using ePost.Core.Ids;
using ePost.Overlay;
using ePost.Storage.Local;
using ePost.Storage.Objects;
using ePost.Storage.Wire;

namespace ePost.Storage.Replication;

/// <summary>Arc listings: which ids this node and a key's root hold in a small arc (a user's waiting notifications), page by page.</summary>
public sealed partial class ReplicaManager
{
    /// <summary>No listing returns more ids than this, whatever the caller asks: it bounds one answer's size on the wire.</summary>
    private const int MaxArcListing = 2000;

    private readonly Dictionary<RequestId, ArcListing> _arcListings = new();

    private void OnListArc(ListArc list)
    {
        var limit = Math.Clamp(list.Limit, 1, MaxArcListing);
        var arc = new RingArc(list.First, list.Last);
        if (list.After is { } after && !arc.Contains(after))
        {
            Sender.Tell(new ArcListed([], false));
            return;
        }
        var op = NextOp();
        var (held, next) = HeldInArc(list.First, list.Last, limit, list.After);
        var listing = new ArcListing(Sender, new SortedSet<RingId>(held), limit, arc) { Next = next };
        _arcListings[op] = listing;
        Timers.StartSingleTimer(("op", op), new OpExpired(OpKind.ArcListing, op), _settings.LookupTimeout);
        WithRoot(list.First, root =>
        {
            listing.Root = root;
            if (root is null || IsSelf(root)) FinishArcListing(op, complete: root is not null);
            else Send(root, new ArcQuery(op, list.First, list.Last, limit, list.After));
        });
    }

    private void OnArcQuery(NodeHandle from, ArcQuery query)
    {
        var arc = new RingArc(query.First, query.Last);
        var (ids, next) = query.After is { } after && !arc.Contains(after) ? ([], null) : HeldInArc(query.First, query.Last, query.Limit, query.After);
        Send(from, new ArcAnswer(query.Op, ids.ToArray(), next));
    }

    /// <summary>The root's answer counts only from the root asked, and only its ids inside the arc asked about.</summary>
    private void OnArcAnswer(NodeHandle from, ArcAnswer answer)
    {
        if (!_arcListings.TryGetValue(answer.Op, out var listing) || !IsFrom(listing.Root, from))
        {
            RefuseReply(nameof(ArcAnswer), answer.Op, from);
            return;
        }
        foreach (var id in answer.Ids.Take(listing.Limit).Where(listing.Arc.Contains)) listing.Ids.Add(id);
        // The page ends where the shorter of the two listings ends, so neither skips ids the other has not reached.
        if (answer.Next is { } rootNext && listing.Arc.Contains(rootNext))
            listing.Next = listing.Next is { } mine && Before(listing.Arc, mine, rootNext) ? mine : rootNext;
        FinishArcListing(answer.Op, complete: true);
    }

    /// <summary>Answers a listing; called on the root's answer, or by the op timer with <paramref name="complete"/> false.</summary>
    private bool FinishArcListing(RequestId op, bool complete)
    {
        if (!_arcListings.Remove(op, out var listing)) return false;
        Timers.Cancel(("op", op));
        var ids = listing.Ids.Where(id => listing.Next is not { } next || !Before(listing.Arc, next, id)).Take(listing.Limit).ToList();
        var cursor = listing.Next ?? (ids.Count >= listing.Limit ? ids[^1] : null);
        listing.ReplyTo.Tell(new ArcListed(ids, complete, cursor));
        return true;
    }

    /// <summary>True when <paramref name="a"/> comes before <paramref name="b"/> walking the arc clockwise from its start.</summary>
    private static bool Before(RingArc arc, RingId a, RingId b) => RingId.ClockwiseDistance(arc.Start, a) < RingId.ClockwiseDistance(arc.Start, b);

    private sealed record ArcListing(IActorRef ReplyTo, SortedSet<RingId> Ids, int Limit, RingArc Arc)
    {
        public NodeHandle? Root { get; set; }
        public RingId? Next { get; set; }
    }

    /// <summary>One page of the ids held in an arc, without withdrawn notifications (their only use is to refuse a replay); the cursor continues it.</summary>
    private (List<RingId> Ids, RingId? Next) HeldInArc(RingId first, RingId last, int limit, RingId? after = null)
    {
        var page = _store.ListRange(new RingArc(first, last), after, Math.Clamp(limit, 1, MaxArcListing));
        var ids = page.Items.Select(i => i.Id).Where(id => _store.Get(id).Object is not NotificationObject { IsWithdrawn: true }).ToList();
        return (ids, page.Next);
    }
}
