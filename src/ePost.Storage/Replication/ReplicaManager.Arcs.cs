using Akka.Actor;
using ePost.Core.Ids;
using ePost.Overlay;
using ePost.Storage.Local;
using ePost.Storage.Wire;

namespace ePost.Storage.Replication;

/// <summary>Arc listings: which ids this node and a key's root hold in a small arc (a user's waiting notifications).</summary>
public sealed partial class ReplicaManager
{
    /// <summary>No listing returns more ids than this, whatever the caller asks: it bounds one answer's size on the wire.</summary>
    private const int MaxArcListing = 2000;

    private readonly Dictionary<RequestId, ArcListing> _arcListings = new();

    private void OnListArc(ListArc list)
    {
        var limit = Math.Clamp(list.Limit, 1, MaxArcListing);
        var op = NextOp();
        var ids = new SortedSet<RingId>(HeldInArc(list.First, list.Last, limit));
        var listing = new ArcListing(Sender, ids, limit, new RingArc(list.First, list.Last));
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
            foreach (var node in asked) Send(node, new ArcQuery(op, list.First, list.Last, limit));
        });
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
        listing.ReplyTo.Tell(new ArcListed(listing.Ids.Take(listing.Limit).ToList(), complete || listing.Answered > 0));
        return true;
    }

    private sealed record ArcListing(IActorRef ReplyTo, SortedSet<RingId> Ids, int Limit, RingArc Arc)
    {
        /// <summary>The nodes asked that have not answered yet.</summary>
        public List<NodeHandle> Waiting { get; } = [];

        /// <summary>How many of the nodes asked have answered.</summary>
        public int Answered { get; set; }
    }

    private IEnumerable<RingId> HeldInArc(RingId first, RingId last, int limit) =>
        _store.ListRange(new RingArc(first, last), null, Math.Clamp(limit, 1, MaxArcListing)).Items.Select(i => i.Id);
}
