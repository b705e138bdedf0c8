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
            listing.Root = root;
            if (root is null || IsSelf(root)) FinishArcListing(op, complete: root is not null);
            else Send(root, new ArcQuery(op, list.First, list.Last, limit));
        });
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
        FinishArcListing(answer.Op, complete: true);
    }

    /// <summary>Answers a listing; called on the root's answer, or by the op timer with <paramref name="complete"/> false.</summary>
    private bool FinishArcListing(RequestId op, bool complete)
    {
        if (!_arcListings.Remove(op, out var listing)) return false;
        Timers.Cancel(("op", op));
        listing.ReplyTo.Tell(new ArcListed(listing.Ids.Take(listing.Limit).ToList(), complete));
        return true;
    }

    private sealed record ArcListing(IActorRef ReplyTo, SortedSet<RingId> Ids, int Limit, RingArc Arc)
    {
        public NodeHandle? Root { get; set; }
    }

    private IEnumerable<RingId> HeldInArc(RingId first, RingId last, int limit) =>
        _store.ListRange(new RingArc(first, last), null, Math.Clamp(limit, 1, MaxArcListing)).Items.Select(i => i.Id);
}
