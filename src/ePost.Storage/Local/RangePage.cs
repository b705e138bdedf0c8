using ePost.Core.Ids;

namespace ePost.Storage.Local;

/// <summary>One page of a clockwise range listing.</summary>
/// <param name="Items">Held ids in clockwise order from the arc's start.</param>
/// <param name="Next">Pass as <c>after</c> to get the next page; null when the listing is complete.</param>
public sealed record RangePage(IReadOnlyList<HeldObject> Items, RingId? Next);
