using ePost.Core.Ids;
using ePost.Storage.Leases;
using ePost.Storage.Local;
using Microsoft.Data.Sqlite;

namespace ePost.Storage.Glacier;

/// <summary>
/// The fragments a node holds for Glacier, in their own database file (<c>glacier.db</c>) beside node.db, so the
/// replica repair never sees them and the two stores never wait on each other's writer lock.
/// </summary>
/// <remarks>
/// Same durability as the object store (WAL, <c>synchronous=FULL</c>, one connection, no pooling). Every fragment
/// is verified against its signed manifest on the way in and again on every read; a copy that no longer matches is
/// deleted and reported missing, so maintenance rebuilds it. There is no delete: fragments leave by lease expiry.
/// </remarks>
public sealed class SqliteFragmentStore : IMetaStore, IDisposable
{
    /// <summary>File name inside the data directory.</summary>
    public const string FileName = "glacier.db";

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS meta (key TEXT NOT NULL PRIMARY KEY, value BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS fragments (
            container BLOB    NOT NULL CHECK (length(container) = 20),
            idx       INTEGER NOT NULL,
            expiry    INTEGER NOT NULL,
            size      INTEGER NOT NULL,
            manifest  BLOB    NOT NULL,
            data      BLOB    NOT NULL,
            PRIMARY KEY (container, idx)
        );
        CREATE INDEX IF NOT EXISTS fragments_by_expiry ON fragments (expiry);
        """;

    private readonly object _gate = new();
    private readonly SqliteConnection _connection;
    private readonly int _maxFragmentBytes;
    private readonly long _budgetBytes;
    private long _refused, _corrupt, _collected, _bytes;

    private SqliteFragmentStore(SqliteConnection connection, int maxFragmentBytes, long budgetBytes)
    {
        _connection = connection;
        _maxFragmentBytes = maxFragmentBytes;
        _budgetBytes = budgetBytes;
    }

    /// <summary>
    /// Opens (creating if needed) the fragment database in <paramref name="dataDirectory"/>; fragments over
    /// <paramref name="maxFragmentBytes"/>, or beyond <paramref name="budgetBytes"/> held in all, are refused.
    /// </summary>
    public static SqliteFragmentStore Open(string dataDirectory, int maxFragmentBytes, long budgetBytes = long.MaxValue)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        Directory.CreateDirectory(dataDirectory);
        var path = Path.GetFullPath(Path.Combine(dataDirectory, FileName));
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Cache = SqliteCacheMode.Private, Pooling = false,
        }.ToString());
        try
        {
            connection.Open();
            if (!string.Equals(Scalar(connection, "PRAGMA journal_mode=WAL") as string, "wal", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"The fragment database at {path} cannot use WAL.");
            Scalar(connection, "PRAGMA synchronous=FULL");
            Scalar(connection, Schema);
            return new SqliteFragmentStore(connection, maxFragmentBytes, budgetBytes) { _bytes = (long)Scalar(connection, "SELECT coalesce(sum(size), 0) FROM fragments")! };
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Stores fragment <paramref name="index"/> of the manifest's container after checking its bytes against the
    /// manifest. A fragment already held keeps its bytes; its lease only extends and a newer manifest replaces the
    /// old one (only the container's writer can sign one: the id is bound to its key).
    /// </summary>
    public FragmentPutResult Put(FragmentManifest manifest, int index, ReadOnlySpan<byte> data, LeaseInstant expiry)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (data.Length > _maxFragmentBytes) return Refuse($"a fragment of {data.Length} bytes is over the {_maxFragmentBytes}-byte limit");
        if (!manifest.Verifies(index, data)) return Refuse($"fragment {index} does not match its manifest's hash");
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            var existing = Read(new FragmentKey(manifest.ContainerId, index), transaction);
            FragmentOutcome outcome;
            if (existing is not null)
            {
                var newer = manifest.Version > existing.Manifest.Version;
                using var update = Command(
                    "UPDATE fragments SET expiry = max(expiry, $e)" + (newer ? ", manifest = $m" : "") + " WHERE container = $c AND idx = $i", transaction);
                update.Parameters.AddWithValue("$e", expiry.Milliseconds);
                if (newer) update.Parameters.AddWithValue("$m", manifest.Encode());
                Key(update, manifest.ContainerId, index);
                update.ExecuteNonQuery();
                outcome = FragmentOutcome.AlreadyHeld;
            }
            else
            {
                // Anyone may archive, so a node bounds what others can make it hold.
                if (_bytes + data.Length > _budgetBytes) return Refuse($"the node's fragment budget of {_budgetBytes} bytes is full");
                using var insert = Command(
                    "INSERT OR REPLACE INTO fragments (container, idx, expiry, size, manifest, data) VALUES ($c, $i, $e, $s, $m, $d)", transaction);
                Key(insert, manifest.ContainerId, index);
                insert.Parameters.AddWithValue("$e", expiry.Milliseconds);
                insert.Parameters.AddWithValue("$s", data.Length);
                insert.Parameters.AddWithValue("$m", manifest.Encode());
                insert.Parameters.AddWithValue("$d", data.ToArray());
                insert.ExecuteNonQuery();
                outcome = FragmentOutcome.Stored;
            }
            transaction.Commit();
            if (outcome == FragmentOutcome.Stored) _bytes += data.Length;
            return new FragmentPutResult(outcome, outcome == FragmentOutcome.Stored ? "stored" : "already held");
        }
    }

    /// <summary>The fragment, re-verified against its manifest; a copy that fails is deleted and null is returned.</summary>
    public HeldFragment? Get(FragmentKey key)
    {
        lock (_gate) return Read(key, null);
    }

    /// <summary>True when the fragment is held (not re-verified: cheap, for probes).</summary>
    public bool Contains(FragmentKey key)
    {
        lock (_gate)
        {
            using var command = Command("SELECT 1 FROM fragments WHERE container = $c AND idx = $i", null);
            Key(command, key.Container, key.Index);
            return command.ExecuteScalar() is not null;
        }
    }

    /// <summary>Held fragments in (container, index) order after <paramref name="after"/>, at most <paramref name="limit"/>.</summary>
    public IReadOnlyList<FragmentKey> List(FragmentKey? after, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        lock (_gate)
        {
            using var command = Command(after is null
                ? "SELECT container, idx FROM fragments ORDER BY container, idx LIMIT $l"
                : "SELECT container, idx FROM fragments WHERE (container, idx) > ($c, $i) ORDER BY container, idx LIMIT $l", null);
            if (after is { } a) Key(command, a.Container, a.Index);
            command.Parameters.AddWithValue("$l", limit);
            using var reader = command.ExecuteReader();
            var keys = new List<FragmentKey>();
            while (reader.Read()) keys.Add(new FragmentKey(RingId.FromBytes((byte[])reader.GetValue(0)), reader.GetInt32(1)));
            return keys;
        }
    }

    /// <summary>Deletes at most <paramref name="maxBatch"/> fragments whose lease ended at or before <paramref name="now"/>.</summary>
    public int CollectExpired(LeaseInstant now, int maxBatch)
    {
        lock (_gate)
        {
            using var command = Command(
                "DELETE FROM fragments WHERE rowid IN (SELECT rowid FROM fragments WHERE expiry <= $now ORDER BY expiry LIMIT $l) RETURNING size", null);
            command.Parameters.AddWithValue("$now", now.Milliseconds);
            command.Parameters.AddWithValue("$l", maxBatch);
            using var reader = command.ExecuteReader();
            var deleted = 0;
            while (reader.Read())
            {
                deleted++;
                _bytes -= reader.GetInt64(0);
            }
            _collected += deleted;
            return deleted;
        }
    }

    /// <summary>Current contents and counters.</summary>
    public FragmentStoreStats GetStats()
    {
        lock (_gate)
        {
            using var command = Command("SELECT count(*), coalesce(sum(size), 0) FROM fragments", null);
            using var reader = command.ExecuteReader();
            reader.Read();
            return new FragmentStoreStats(reader.GetInt64(0), reader.GetInt64(1), _refused, _corrupt, _collected);
        }
    }

    /// <inheritdoc />
    public byte[]? ReadMeta(string key)
    {
        lock (_gate)
        {
            using var command = Command("SELECT value FROM meta WHERE key = $k", null);
            command.Parameters.AddWithValue("$k", key);
            return command.ExecuteScalar() as byte[];
        }
    }

    /// <inheritdoc />
    public void WriteMeta(string key, ReadOnlySpan<byte> value)
    {
        lock (_gate)
        {
            using var command = Command("INSERT INTO meta (key, value) VALUES ($k, $v) ON CONFLICT (key) DO UPDATE SET value = excluded.value", null);
            command.Parameters.AddWithValue("$k", key);
            command.Parameters.AddWithValue("$v", value.ToArray());
            command.ExecuteNonQuery();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate) _connection.Dispose();
    }

    private HeldFragment? Read(FragmentKey key, SqliteTransaction? transaction)
    {
        byte[] manifestBytes, data;
        long expiry;
        using (var command = Command("SELECT manifest, data, expiry FROM fragments WHERE container = $c AND idx = $i", transaction))
        {
            Key(command, key.Container, key.Index);
            using var reader = command.ExecuteReader();
            if (!reader.Read()) return null;
            (manifestBytes, data, expiry) = ((byte[])reader.GetValue(0), (byte[])reader.GetValue(1), reader.GetInt64(2));
        }
        var manifest = FragmentManifest.TryDecode(manifestBytes, out _);
        if (manifest is not null && manifest.ContainerId == key.Container && manifest.Verifies(key.Index, data))
            return new HeldFragment(manifest, key.Index, data, new LeaseInstant(expiry));
        using var delete = Command("DELETE FROM fragments WHERE container = $c AND idx = $i RETURNING size", transaction);
        Key(delete, key.Container, key.Index);
        if (delete.ExecuteScalar() is long size) _bytes -= size;
        _corrupt++;
        return null;
    }

    private FragmentPutResult Refuse(string message)
    {
        Interlocked.Increment(ref _refused);
        return new FragmentPutResult(FragmentOutcome.Refused, message);
    }

    private SqliteCommand Command(string sql, SqliteTransaction? transaction)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    private static void Key(SqliteCommand command, RingId container, int index)
    {
        command.Parameters.AddWithValue("$c", container.ToBytes());
        command.Parameters.AddWithValue("$i", index);
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
