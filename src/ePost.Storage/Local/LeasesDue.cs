using ePost.Storage.Leases;

namespace ePost.Storage.Local;

/// <summary>Held objects whose leases end within a window: what the node will drop unless their writers renew them.</summary>
/// <param name="Objects">How many.</param>
/// <param name="Bytes">Their stored bytes.</param>
/// <param name="Earliest">The soonest lease end among them on this node's lease counter, or null when none is due.</param>
public sealed record LeasesDue(long Objects, long Bytes, LeaseInstant? Earliest);
