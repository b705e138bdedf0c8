namespace ePost.Storage.Local;

/// <summary>Who an object's bytes are charged to on this node, and how many bytes that writer may hold here in all.</summary>
/// <param name="Writer">The writer's key: the address of the peer that delivered the object (the overlay's sender).</param>
/// <param name="QuotaBytes">The most bytes held for <paramref name="Writer"/>; beyond it a put is refused with <see cref="Objects.RefusalReason.OverQuota"/>.</param>
public sealed record WriterCharge(string Writer, long QuotaBytes);
