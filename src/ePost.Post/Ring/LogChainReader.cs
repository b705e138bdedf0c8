using ePost.Core.Crypto;
using ePost.Core.Ids;
using ePost.Post.Logs;
using ePost.Storage.Objects;

namespace ePost.Post.Ring;

/// <summary>One record read back from the ring with its block.</summary>
public sealed record ChainLink(RingId BlockId, byte[] BlockData, LogRecord Record);

/// <summary>A log as the ring holds it: the newest head, the key, and the records from a stopping point to the head, oldest first.</summary>
/// <param name="Gap">
/// When set, the walk broke at this entry block, which the ring could not give: <see cref="Links"/> are the entries
/// above it (each verified under the log key and chained to the signed head), and everything older is unknown.
/// </param>
public sealed record RingChain(LogHead Head, SignedObject SignedHead, byte[] Key, IReadOnlyList<ChainLink> Links, RingId? StoppedAt, RingId? Gap = null);

/// <summary>Reads a user's log back from the ring: the newest head, then entries following <c>Previous</c> links backwards.</summary>
public static class LogChainReader
{
    /// <summary>Most records one read walks back: bounds the cost of a hostile or broken chain.</summary>
    public const int MaxWalk = 100_000;

    /// <summary>
    /// Reads the log <paramref name="label"/> of <paramref name="owner"/>: null when the ring has no head for it. Walks
    /// back from the head until <paramref name="stopAt"/> says a block is already known (it is not included and is
    /// returned as <see cref="RingChain.StoppedAt"/>), or the first record; with <paramref name="stopAtSnapshot"/> also at
    /// the first snapshot record (included): enough to load the log. Without it (looking for a fork's common ancestor)
    /// the walk goes on past snapshots, and when an older block is gone (its lease ran out after a snapshot made it
    /// unnecessary) it ends at the oldest snapshot walked, with no ancestor found.
    /// </summary>
    /// <param name="tolerateGap">
    /// With <paramref name="stopAtSnapshot"/>: an entry block the ring cannot give ends the walk instead of failing it;
    /// the chain then holds the entries above it and names it as <see cref="RingChain.Gap"/>.
    /// </param>
    /// <exception cref="RingException">When an entry block is missing (unless <paramref name="tolerateGap"/>).</exception>
    /// <exception cref="System.Security.Cryptography.CryptographicException">When the head or an entry does not verify under the owner's keys.</exception>
    /// <exception cref="LogFormatException">When an entry does not decode, or the chain's sequence numbers do not descend by one.</exception>
    public static async Task<RingChain?> ReadAsync(RingClient ring, UserKeys owner, string label, Func<RingId, bool> stopAt,
        bool stopAtSnapshot = true, CancellationToken cancellation = default, bool tolerateGap = false)
    {
        ArgumentNullException.ThrowIfNull(ring);
        ArgumentNullException.ThrowIfNull(stopAt);
        if (await ring.LookupAsync(LogHead.IdOf(owner, label), newest: true, cancellation).ConfigureAwait(false) is not SignedObject signed) return null;
        var head = LogHead.Open(signed, owner, out var key);
        var links = new List<ChainLink>();
        var next = head.Newest;
        RingId? stoppedAt = null;
        RingId? gap = null;
        var expected = head.Seq;
        while (next is { } id && links.Count < MaxWalk)
        {
            if (stopAt(id))
            {
                stoppedAt = id;
                break;
            }
            byte[] data;
            try
            {
                data = await ring.ReadBlockAsync(id, cancellation).ConfigureAwait(false);
            }
            catch (RingException) when (!stopAtSnapshot && links.FindLastIndex(l => l.Record.Entry is FolderSnapshot or RootSnapshot) is var oldest and >= 0)
            {
                links.RemoveRange(oldest + 1, links.Count - oldest - 1);
                break;
            }
            catch (RingException) when (stopAtSnapshot && tolerateGap)
            {
                gap = id;
                break;
            }
            var record = LogRecordCodec.Decode(EntryBlock.Open(key, label, new ContentBlock(id, data)));
            if ((long)record.Seq != expected)
                throw new LogFormatException($"Entry {id.ToShortString()} of {label} has sequence number {record.Seq} where {expected} was expected.");
            links.Add(new ChainLink(id, data, record));
            expected--;
            if (stopAtSnapshot && record.Entry is FolderSnapshot or RootSnapshot) break;
            next = record.Previous is null ? null : RingId.FromBytes(record.Previous);
        }
        links.Reverse();
        return new RingChain(head, signed, key, links, stoppedAt, gap);
    }
}
