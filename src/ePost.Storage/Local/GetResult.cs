using ePost.Storage.Leases;
using ePost.Storage.Objects;

namespace ePost.Storage.Local;

/// <summary>What a read found.</summary>
public enum GetOutcome
{
    /// <summary>A verified object.</summary>
    Found,

    /// <summary>No such object here.</summary>
    NotFound,

    /// <summary>The stored copy failed verification and has been dropped: fetch a good copy from another replica.</summary>
    Corrupt,
}

/// <summary>The outcome of <see cref="IObjectStore.Get"/>.</summary>
/// <param name="Outcome">What was found.</param>
/// <param name="Object">The verified object when found.</param>
/// <param name="Expiry">Its local lease expiry when found.</param>
/// <param name="Problem">Why the stored copy was judged corrupt, when it was.</param>
public sealed record GetResult(GetOutcome Outcome, StoredObject? Object, LeaseInstant? Expiry, string? Problem)
{
    /// <summary>Nothing held.</summary>
    public static GetResult NotFound { get; } = new(GetOutcome.NotFound, null, null, null);
}
