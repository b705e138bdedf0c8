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
            if (root is null)
            {
                FinishArcListing(op, complete: false);
                return;
            }
            // When this node is the root, its own store is the one most likely to be behind: a node that was down or cut
            // off is asked first by its own users when it is back. Ask the arc's other replicas too (this node's leaf
            // set knows them, being the root); answers count only from the nodes asked.
            var asked = IsSelf(root) ? _range.ReplicasFor(list.First).Where(n => !IsSelf(n)).ToList() : [root];
            listing.Waiting.AddRange(asked);
            if (asked.Count == 0) FinishArcListing(op, complete: true);
            foreach (var node in asked) Send(node, new ArcQuery(op, list.First, list.Last, limit, list.After));
        });
    }

    private void OnArcQuery(NodeHandle from, ArcQuery query)
    {
        var arc = new RingArc(query.First, query.Last);
        var (ids, next) = query.After is { } after && !arc.Contains(after) ? ([], null) : HeldInArc(query.First, query.Last, query.Limit, query.After);
        Send(from, new ArcAnswer(query.Op, ids.ToArray(), next));
    }

    /// <summary>An answer counts only from a node asked and not yet answered, and only its ids inside the arc asked about.</summary>
    private void OnArcAnswer(NodeHandle from, ArcAnswer answer)
    {
        if (!_arcListings.TryGetValue(answer.Op, out var listing) || listing.Waiting.FindIndex(n => IsFrom(n, from)) is var index && index < 0)
        {
            RefuseReply(nameof(ArcAnswer), answer.Op, from);
            return;
        }
        listing.Waiting.RemoveAt(index);
        listing.Answered++;
        foreach (var id in answer.Ids.Take(listing.Limit).Where(listing.Arc.Contains)) listing.Ids.Add(id);
        // The page ends where the shortest of the listings ends, so none skips ids another has not reached.
        if (answer.Next is { } theirNext && listing.Arc.Contains(theirNext))
            listing.Next = listing.Next is { } mine && Before(listing.Arc, mine, theirNext) ? mine : theirNext;
        if (listing.Waiting.Count == 0) FinishArcListing(answer.Op, complete: true);
    }

    /// <summary>
    /// Answers a listing; called once every node asked has answered, or by the op timer with <paramref name="complete"/>
    /// false (still complete when this node is the root and one other replica answered).
    /// </summary>
    private bool FinishArcListing(RequestId op, bool complete)
    {
        if (!_arcListings.Remove(op, out var listing)) return false;
        Timers.Cancel(("op", op));
        var ids = listing.Ids.Where(id => listing.Next is not { } next || !Before(listing.Arc, next, id)).Take(listing.Limit).ToList();
        var cursor = listing.Next ?? (ids.Count >= listing.Limit ? ids[^1] : null);
        listing.ReplyTo.Tell(new ArcListed(ids, complete || listing.Answered > 0, cursor));
        return true;
    }

    /// <summary>True when <paramref name="a"/> comes before <paramref name="b"/> walking the arc clockwise from its start.</summary>
    private static bool Before(RingArc arc, RingId a, RingId b) => RingId.ClockwiseDistance(arc.Start, a) < RingId.ClockwiseDistance(arc.Start, b);

    private sealed record ArcListing(IActorRef ReplyTo, SortedSet<RingId> Ids, int Limit, RingArc Arc)
    {
        /// <summary>The nodes asked that have not answered yet.</summary>
        public List<NodeHandle> Waiting { get; } = [];

        /// <summary>How many of the nodes asked have answered.</summary>
        public int Answered { get; set; }

        /// <summary>Where the next page starts (the nearest cursor of all listings), or null when this page ends the arc.</summary>
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
