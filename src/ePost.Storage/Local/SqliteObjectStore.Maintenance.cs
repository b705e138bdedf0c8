using ePost.Core.Ids;
using ePost.Storage.Leases;

namespace ePost.Storage.Local;

// Range listing, lease collection and scrubbing: the bounded, paged operations that repair and GC run on timers.
public sealed partial class SqliteObjectStore
{
    /// <summary>Largest page or batch any paged operation accepts, so no single call can hold the lock for long.</summary>
    public const int MaxPage = 10_000;

    /// <inheritdoc />
    public RangePage ListRange(RingArc arc, RingId? after, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPage);
        if (after is { } cursor && !arc.Contains(cursor))
            throw new ArgumentException($"The cursor {cursor.ToShortString()} is not on the arc {arc}.", nameof(after));

        // A wrapping arc is two runs in numeric (= blob) order: [Start, Max] then [0, End].
        var runs = arc.Wraps
            ? new[] { (Low: arc.Start, High: RingId.Max), (Low: RingId.Zero, High: arc.End) }
            : new[] { (Low: arc.Start, High: arc.End) };
        var first = after is { } a && arc.Wraps && a < arc.Start ? 1 : 0;

        lock (_gate)
        {
            ThrowIfDisposed();
            var items = new List<HeldObject>(Math.Min(limit, 256));
            for (var run = first; run < runs.Length && items.Count < limit; run++)
            {
                var continuing = run == first && after is not null;
                using var command = Command(continuing
                    ? "SELECT id, expiry FROM objects WHERE id > $low AND id <= $high ORDER BY id LIMIT $limit"
                    : "SELECT id, expiry FROM objects WHERE id >= $low AND id <= $high ORDER BY id LIMIT $limit", null);
                command.Parameters.AddWithValue("$low", (continuing ? after!.Value : runs[run].Low).ToBytes());
                command.Parameters.AddWithValue("$high", runs[run].High.ToBytes());
                command.Parameters.AddWithValue("$limit", limit - items.Count);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                    items.Add(new HeldObject(RingId.FromBytes((byte[])reader.GetValue(0)), new LeaseInstant(reader.GetInt64(1))));
            }
            return new RangePage(items, items.Count == limit ? items[^1].Id : null);
        }
    }

    /// <inheritdoc />
    public LeasesDue LeasesDueBefore(LeaseInstant until)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            // objects_by_expiry makes this a range scan over the objects due, not the whole table.
            using var select = Command("SELECT count(*), coalesce(sum(size), 0), min(expiry) FROM objects WHERE expiry < $until", null);
            select.Parameters.AddWithValue("$until", until.Milliseconds);
            using var reader = select.ExecuteReader();
            reader.Read();
            return new LeasesDue(reader.GetInt64(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : new LeaseInstant(reader.GetInt64(2)));
        }
    }

    /// <inheritdoc />
    public int CollectExpired(LeaseInstant now, int maxBatch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxBatch, MaxPage);
        lock (_gate)
        {
            ThrowIfDisposed();
            using var transaction = _connection.BeginTransaction();
            var expired = new List<(byte[] Id, long Size)>();
            using (var select = Command("SELECT id, size FROM objects WHERE expiry <= $now ORDER BY expiry LIMIT $limit", transaction))
            {
                select.Parameters.AddWithValue("$now", now.Milliseconds);
                select.Parameters.AddWithValue("$limit", maxBatch);
                using var reader = select.ExecuteReader();
                while (reader.Read()) expired.Add(((byte[])reader.GetValue(0), reader.GetInt64(1)));
            }
            using (var delete = Command("DELETE FROM objects WHERE id = $id", transaction))
            {
                var id = delete.Parameters.Add("$id", Microsoft.Data.Sqlite.SqliteType.Blob);
                foreach (var (key, _) in expired)
                {
                    id.Value = key;
                    delete.ExecuteNonQuery();
                }
            }
            transaction.Commit();
            _objectCount -= expired.Count;
            _totalBytes -= expired.Sum(e => e.Size);
            _expiredCollected += expired.Count;
            return expired.Count;
        }
    }

    /// <inheritdoc />
    public ScrubResult Scrub(RingId? after, int maxBatch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxBatch, MaxPage);
        lock (_gate)
        {
            ThrowIfDisposed();
            var rows = new List<(RingId Id, byte[] Encoded, long Size)>();
            using (var select = Command(after is null
                ? "SELECT id, encoded, size FROM objects ORDER BY id LIMIT $limit"
                : "SELECT id, encoded, size FROM objects WHERE id > $after ORDER BY id LIMIT $limit", null))
            {
                if (after is { } cursor) select.Parameters.AddWithValue("$after", cursor.ToBytes());
                select.Parameters.AddWithValue("$limit", maxBatch);
                using var reader = select.ExecuteReader();
                while (reader.Read())
                {
                    // The schema's CHECK keeps every key 20 bytes; a flipped id bit shows up as a mismatch in Verify.
                    rows.Add((RingId.FromBytes((byte[])reader.GetValue(0)), (byte[])reader.GetValue(1), reader.GetInt64(2)));
                }
            }
            var dropped = new List<RingId>();
            foreach (var (id, encoded, size) in rows)
            {
                if (Verify(id, encoded, out _) is not null) continue;
                DeleteRow(id, null);
                DroppedCorrupt(size);
                dropped.Add(id);
            }
            return new ScrubResult(rows.Count, dropped, rows.Count == maxBatch ? rows[^1].Id : null);
        }
    }
}
