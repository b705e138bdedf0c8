using ePost.Core.Ids;
using ePost.Storage.Leases;

namespace ePost.Storage.Local;

/// <summary>An id the store holds and its local lease expiry: what range listings return for Bloom filters and hand-off.</summary>
public readonly record struct HeldObject(RingId Id, LeaseInstant Expiry);
