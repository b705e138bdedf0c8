using ePost.Core.Ids;
using ePost.Post.Logs;

namespace ePost.Post.Mailbox;

/// <summary>One record of a log as its owner's node holds it: the record, its block's id and (until the ring has it) the block's data.</summary>
internal sealed record HeldRecord(long Seq, RingId BlockId, LogRecord Record);

/// <summary>
/// The owner's node's copy of one log (the root log or a folder log): its key, its records in order, the replayed
/// state, and which records the ring does not have yet. Mutated only by the user's agent.
/// </summary>
internal sealed class LogBook(string label, byte[] key)
{
    private readonly List<HeldRecord> _records = [];
    private readonly SortedDictionary<long, byte[]> _unsynced = new();
    private readonly HashSet<RingId> _ancestry = new();

    /// <summary>The log's label (<see cref="Ring.LogHead.RootLabel"/> or a folder label).</summary>
    public string Label { get; } = label;

    /// <summary>The log key.</summary>
    public byte[] Key { get; } = key;

    /// <summary>The records held, oldest first (from the newest snapshot this node loaded, or from the start).</summary>
    public IReadOnlyList<HeldRecord> Records => _records;

    /// <summary>The newest record's sequence number, 0 when empty.</summary>
    public long Seq => _records.Count == 0 ? 0 : _records[^1].Seq;

    /// <summary>The newest record's block id.</summary>
    public RingId? Newest => _records.Count == 0 ? null : _records[^1].BlockId;

    /// <summary>The replayed state: a <see cref="FolderLogState"/> or a <see cref="RootLogState"/>.</summary>
    public object? State { get; set; }

    /// <summary>The encoded signed head for <see cref="Seq"/>.</summary>
    public byte[] Head { get; set; } = [];

    /// <summary>The highest sequence number the ring is known to hold (0 until the first sync).</summary>
    public long RingSeq { get; set; }

    /// <summary>True while a write-through or fork resolution for this log is running.</summary>
    public bool Syncing { get; set; }

    /// <summary>A forced check was asked for while a sync was running (a device's hint, say): run one more when it ends.</summary>
    public bool CheckAgain { get; set; }

    /// <summary>The sequence number before which no snapshot is attempted again (after one did not fit a record).</summary>
    public long NextSnapshotTry { get; set; }

    /// <summary>Records written since the last snapshot record.</summary>
    public int SinceSnapshot { get; private set; }

    /// <summary>Entry blocks the ring may not have yet, by sequence number.</summary>
    public IReadOnlyDictionary<long, byte[]> Unsynced => _unsynced;

    /// <summary>True when a record with this block id is held, or is known to be in this log's history (before a reset, or merged in).</summary>
    public bool Holds(RingId blockId) => _ancestry.Contains(blockId) || _records.Any(r => r.BlockId == blockId);

    /// <summary>Every block id known to be in this log's history: held records and remembered ancestry.</summary>
    public HashSet<RingId> KnownIds() => _records.Select(r => r.BlockId).Concat(_ancestry).ToHashSet();

    /// <summary>Remembers records that are part of this log's history without holding them (a branch merged in).</summary>
    public void RememberAncestry(IEnumerable<RingId> blockIds) => _ancestry.UnionWith(blockIds);

    /// <summary>Adds the next record (already applied to <see cref="State"/> by the caller).</summary>
    public void Add(HeldRecord record, byte[] blockData, bool synced)
    {
        if (_records.Count > 0 && record.Seq <= Seq) throw new InvalidOperationException($"Record {record.Seq} does not follow {Seq} in {Label}.");
        _records.Add(record);
        if (!synced) _unsynced[record.Seq] = blockData;
        SinceSnapshot = record.Record.Entry is FolderSnapshot or RootSnapshot ? 0 : SinceSnapshot + 1;
    }

    /// <summary>Forgets every record: the next one (a snapshot) starts the log afresh, as after a merge or an adoption.</summary>
    public void Reset()
    {
        // What the log was is still its history: a ring head naming one of these records is not another branch.
        _ancestry.UnionWith(_records.Select(r => r.BlockId));
        _records.Clear();
        _unsynced.Clear();
        SinceSnapshot = 0;
    }

    /// <summary>The ring now holds everything up to <paramref name="seq"/>.</summary>
    public void MarkSynced(long seq)
    {
        RingSeq = Math.Max(RingSeq, seq);
        foreach (var done in _unsynced.Keys.Where(s => s <= seq).ToList()) _unsynced.Remove(done);
    }

    /// <summary>The records after the one with block id <paramref name="blockId"/>, or null when it is not held.</summary>
    public IReadOnlyList<HeldRecord>? After(RingId blockId)
    {
        var index = _records.FindIndex(r => r.BlockId == blockId);
        return index < 0 ? null : _records.Skip(index + 1).ToList();
    }

    /// <summary>The block ids a reader of this log still needs: from the newest snapshot to the head.</summary>
    public IEnumerable<RingId> LiveBlocks()
    {
        var start = _records.FindLastIndex(r => r.Record.Entry is FolderSnapshot or RootSnapshot);
        return _records.Skip(Math.Max(0, start)).Select(r => r.BlockId);
    }
}
