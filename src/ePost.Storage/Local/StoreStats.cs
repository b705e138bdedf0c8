using ePost.Storage.Objects;

namespace ePost.Storage.Local;

/// <summary>A snapshot of a store's contents and of what it refused, dropped and collected since it was opened.</summary>
/// <param name="ObjectCount">Objects held.</param>
/// <param name="TotalBytes">Sum of the held objects' encoded lengths (what the budget counts; SQLite's own overhead is not counted).</param>
/// <param name="BudgetBytes">The configured budget.</param>
/// <param name="Refusals">Refused puts by reason since open (reasons never seen are absent).</param>
/// <param name="CorruptDropped">Stored copies found corrupt and deleted since open.</param>
/// <param name="ExpiredCollected">Objects collected after their lease since open.</param>
public sealed record StoreStats(
    long ObjectCount,
    long TotalBytes,
    long BudgetBytes,
    IReadOnlyDictionary<RefusalReason, long> Refusals,
    long CorruptDropped,
    long ExpiredCollected)
{
    /// <summary>Refusals for one reason.</summary>
    public long RefusalsFor(RefusalReason reason) => Refusals.TryGetValue(reason, out var count) ? count : 0;
}
