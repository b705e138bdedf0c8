using ePost.Core.Hashing;
using ePost.Storage.Wire;

namespace ePost.Storage.Transfer;

/// <summary>A fully received, digest-checked encoding with what its sender meant by it.</summary>
public sealed record AssembledObject(string Sender, RequestId Op, TransferPurpose Purpose, long LeaseMs, byte[] Encoded);

/// <summary>
/// Reassembles <see cref="ObjectChunk"/>s into encodings with a bounded buffer: at most a fixed number of partial
/// transfers, at most a fixed number from any one sender (so one peer cannot take every slot), each holding no more
/// bytes than it announced (at most the object size limit), all together no more than a byte budget, each dropped
/// when no chunk arrived within the timeout.
/// </summary>
/// <remarks>
/// A transfer reserves its announced length against the byte budget when its first chunk arrives, so a transfer once
/// admitted can always complete and the bytes buffered never exceed the budget. Pure: the caller passes the current
/// time, so the class works the same on virtual time.
/// </remarks>
/// <param name="maxObjectBytes">Largest announced length accepted.</param>
/// <param name="maxPending">Partial transfers held at once, from all senders.</param>
/// <param name="timeout">How long a partial transfer waits for its next chunk.</param>
/// <param name="maxPendingPerSender">Partial transfers held at once from one sender.</param>
/// <param name="maxBufferedBytes">Bytes all partial transfers together may reserve.</param>
public sealed class ChunkAssembler(int maxObjectBytes, int maxPending, TimeSpan timeout, int maxPendingPerSender = int.MaxValue, long maxBufferedBytes = long.MaxValue)
{
    private readonly Dictionary<(string Sender, RequestId Op, TransferPurpose Purpose), Partial> _pending = new();
    private readonly Dictionary<string, int> _pendingBySender = new();

    /// <summary>Partial transfers held now.</summary>
    public int Pending => _pending.Count;

    /// <summary>Bytes reserved by the partial transfers held now (their announced lengths).</summary>
    public long Reserved { get; private set; }

    /// <summary>Chunks refused (malformed, inconsistent, over a limit) and transfers whose digest failed or that timed out.</summary>
    public long Rejected { get; private set; }

    /// <summary>Of <see cref="Rejected"/>, new transfers refused because a slot or byte bound was reached (all slots, the sender's slots, the byte budget).</summary>
    public long RefusedOverLimit { get; private set; }

    /// <summary>Takes one chunk; returns the whole encoding when this chunk completed it and the digest matches, else null.</summary>
    /// <param name="sender">Who sent it (the sender's node address, so two senders' op numbers cannot mix).</param>
    /// <param name="chunk">The chunk.</param>
    /// <param name="now">The current monotonic time.</param>
    /// <param name="problem">Why the chunk or transfer was rejected, when it was.</param>
    public AssembledObject? Accept(string sender, ObjectChunk chunk, TimeSpan now, out string? problem)
    {
        problem = Check(chunk);
        if (problem is not null)
        {
            Rejected++;
            return null;
        }
        if (chunk.Total == 1) return Finish(sender, chunk, chunk.Data, out problem);

        var key = (sender, chunk.Op, chunk.Purpose);
        if (!_pending.TryGetValue(key, out var partial))
        {
            ExpireOld(now);
            problem = _pending.Count >= maxPending ? $"{maxPending} transfers are already in progress"
                : _pendingBySender.GetValueOrDefault(sender) >= maxPendingPerSender ? $"this sender already has {maxPendingPerSender} transfers in progress"
                : Reserved + chunk.Length > maxBufferedBytes ? $"buffering {chunk.Length} more bytes would exceed the {maxBufferedBytes}-byte transfer budget"
                : null;
            if (problem is not null)
            {
                Rejected++;
                RefusedOverLimit++;
                return null;
            }
            partial = new Partial(chunk, now);
            _pending[key] = partial;
            _pendingBySender[sender] = _pendingBySender.GetValueOrDefault(sender) + 1;
            Reserved += partial.Length;
        }
        if (partial.Total != chunk.Total || partial.Length != chunk.Length || !partial.Digest.AsSpan().SequenceEqual(chunk.Digest))
        {
            Drop(key);
            Rejected++;
            problem = "chunks of one transfer disagree on its length or digest";
            return null;
        }
        partial.LastSeen = now;
        if (partial.Pieces[chunk.Index] is null)
        {
            if (partial.Held + chunk.Data.Length > partial.Length)
            {
                // Distinct chunks that together outgrow the announced length: the transfer is a lie, whatever follows.
                Drop(key);
                Rejected++;
                problem = "chunks exceed the announced length";
                return null;
            }
            partial.Pieces[chunk.Index] = chunk.Data;
            partial.Held += chunk.Data.Length;
            partial.Received++;
        }
        if (partial.Received < partial.Total) return null;

        Drop(key);
        var whole = new byte[partial.Length];
        var offset = 0;
        foreach (var piece in partial.Pieces)
        {
            if (offset + piece!.Length > whole.Length)
            {
                Rejected++;
                problem = "chunks exceed the announced length";
                return null;
            }
            piece.CopyTo(whole, offset);
            offset += piece.Length;
        }
        if (offset != whole.Length)
        {
            Rejected++;
            problem = "chunks fall short of the announced length";
            return null;
        }
        return Finish(sender, chunk, whole, out problem);
    }

    /// <summary>Drops partial transfers that saw no chunk for longer than the timeout; returns how many.</summary>
    public int ExpireOld(TimeSpan now)
    {
        var stale = _pending.Where(p => now - p.Value.LastSeen > timeout).Select(p => p.Key).ToList();
        foreach (var key in stale) Drop(key);
        Rejected += stale.Count;
        return stale.Count;
    }

    private void Drop((string Sender, RequestId Op, TransferPurpose Purpose) key)
    {
        if (!_pending.Remove(key, out var partial)) return;
        Reserved -= partial.Length;
        if (--_pendingBySender[key.Sender] == 0) _pendingBySender.Remove(key.Sender);
    }

    private string? Check(ObjectChunk chunk)
    {
        if (chunk.Length < 1 || chunk.Length > maxObjectBytes) return $"announced length {chunk.Length} is outside 1..{maxObjectBytes}";
        if (chunk.Total < 1 || chunk.Index < 0 || chunk.Index >= chunk.Total) return $"chunk {chunk.Index} of {chunk.Total} is out of range";
        if (chunk.Total > chunk.Length) return "more chunks than bytes";
        if (chunk.Data is null || chunk.Data.Length == 0 || chunk.Data.Length > chunk.Length) return "chunk data is empty or longer than the object";
        if (chunk.Digest is null || chunk.Digest.Length != 32) return "the digest is not 32 bytes";
        if (!Enum.IsDefined(chunk.Purpose)) return $"unknown purpose {(int)chunk.Purpose}";
        return null;
    }

    private AssembledObject? Finish(string sender, ObjectChunk chunk, byte[] whole, out string? problem)
    {
        if (whole.Length != chunk.Length || !Sha256.Matches(whole, chunk.Digest))
        {
            Rejected++;
            problem = "the reassembled bytes do not match their digest";
            return null;
        }
        problem = null;
        return new AssembledObject(sender, chunk.Op, chunk.Purpose, chunk.LeaseMs, whole);
    }

    private sealed class Partial(ObjectChunk first, TimeSpan now)
    {
        public int Total { get; } = first.Total;
        public int Length { get; } = first.Length;
        public byte[] Digest { get; } = first.Digest;
        public byte[]?[] Pieces { get; } = new byte[first.Total][];
        public int Received { get; set; }
        public long Held { get; set; }
        public TimeSpan LastSeen { get; set; } = now;
    }
}
