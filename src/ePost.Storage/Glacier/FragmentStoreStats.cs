namespace ePost.Storage.Glacier;

/// <summary>Counters of a fragment store.</summary>
public sealed record FragmentStoreStats(long Fragments, long Bytes, long Refused, long CorruptDropped, long ExpiredCollected);
