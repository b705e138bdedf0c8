using ePost.Core.Ids;
using ePost.Storage.Leases;
using ePost.Storage.Objects;
using Microsoft.Data.Sqlite;

namespace ePost.Storage.Local;

/// <summary>The node's object store: one SQLite database file in the node's data directory.</summary>
/// <remarks>
/// <para>
/// Durability: WAL journal with <c>synchronous=FULL</c>, so every commit is fsynced to the log before the call
/// returns; a caller may acknowledge a put as soon as it has the result. (NORMAL would only sync at checkpoints and
/// can lose the last commits on power loss.)
/// </para>
/// <para>
/// Threading: one connection guarded by a lock. The owning actor is the only writer; reads from other threads
/// (a status page, say) wait their turn instead of sharing a connection unsafely.
/// </para>
/// </remarks>
public sealed partial class SqliteObjectStore : IObjectStore
{
    /// <summary>File name of the node database inside the data directory.</summary>
    public const string FileName = "node.db";

    private readonly object _gate = new();
    private readonly SqliteConnection _connection;
    private readonly Dictionary<RefusalReason, long> _refusals = [];
    private long _objectCount;
    private long _totalBytes;
    private long _corruptDropped;
    private long _expiredCollected;
    private bool _disposed;

    private SqliteObjectStore(SqliteConnection connection, string databasePath, ObjectStoreSettings settings)
    {
        _connection = connection;
        DatabasePath = databasePath;
        Settings = settings;
    }

    /// <summary>Full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <inheritdoc />
    public ObjectStoreSettings Settings { get; }

    /// <summary>The newest device list verified per owner: device writes its signer was revoked from are refused (<see cref="DeviceListBook"/>).</summary>
    public DeviceListBook Devices { get; } = new();

    /// <summary>Opens (creating or migrating if needed) the node database in <paramref name="dataDirectory"/>.</summary>
    /// <exception cref="InvalidDataException">When the database has a schema this build does not understand.</exception>
    /// <exception cref="InvalidOperationException">When the file system does not support WAL.</exception>
    public static SqliteObjectStore Open(string dataDirectory, ObjectStoreSettings? settings = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        Directory.CreateDirectory(dataDirectory);
        var path = Path.GetFullPath(Path.Combine(dataDirectory, FileName));
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            // No pooling: Dispose really closes the file, so a restart (or a test) reopens it from disk.
            Pooling = false,
        }.ToString();
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            var mode = Scalar(connection, "PRAGMA journal_mode=WAL") as string;
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"The node database at {path} cannot use WAL (journal mode is \"{mode}\").");
            Scalar(connection, "PRAGMA synchronous=FULL");
            StoreSchema.Migrate(connection);
            var store = new SqliteObjectStore(connection, path, settings ?? ObjectStoreSettings.Default);
            store.LoadTotals();
            return store;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public PutResult Put(ReadOnlySpan<byte> encoded, LeaseInstant expiry, WriterCharge? charge = null)
    {
        var validation = ObjectValidator.DecodeAndCheck(encoded, Settings.MaxObjectBytes, out var value);
        if (!validation.IsAccepted)
        {
            lock (_gate) return Refuse(validation);
        }
        return Put(value!, expiry, charge);
    }

    /// <inheritdoc />
    public long UsageOf(string writer)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            return UsageRow(writer, null);
        }
    }

    /// <inheritdoc />
    public PutResult Put(StoredObject value, LeaseInstant expiry, WriterCharge? charge = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            ThrowIfDisposed();
            var intrinsic = ObjectValidator.Check(value, Settings.MaxObjectBytes);
            if (!intrinsic.IsAccepted) return Refuse(intrinsic);
            var policy = ObjectValidator.CheckPolicy(value, Settings.TrustedIssuer);
            if (!policy.IsAccepted) return Refuse(policy);
            var encoded = value.Encode();

            using var transaction = _connection.BeginTransaction();
            var row = ReadRow(value.Id, transaction);
            StoredObject? held = null;
            var corrupt = false;
            if (row is not null)
            {
                held = Verify(value.Id, row.Encoded, out _);
                if (held is null)
                {
                    // A corrupt copy is worth nothing; the incoming valid one takes its place.
                    DeleteRow(value.Id, transaction);
                    corrupt = true;
                }
            }

            var replacement = ObjectValidator.CheckReplacement(value, held);
            if (replacement.IsAccepted) replacement = Devices.Check(value, held);
            var version = ObjectValidator.VersionOf(value);
            if (replacement.IsAccepted && version is { } v && SeenRow(value.Id, transaction) is { } seen && v < seen)
                replacement = ValidationResult.Refuse(RefusalReason.StaleVersion,
                    $"Object {value.Id.ToShortString()} version {v} is older than version {seen}, which this node has seen.");
            PutResult result;
            long bytesDelta = 0, countDelta = 0;
            if (!replacement.IsAccepted)
            {
                result = PutResult.Refused(replacement);
            }
            else if (held is not null && row!.Encoded.AsSpan().SequenceEqual(encoded))
            {
                result = new PutResult(PutOutcome.AlreadyHeld, RefusalReason.None, "already held",
                    ExtendRow(value.Id, expiry, transaction));
            }
            else
            {
                var freed = held is null ? 0 : row!.Size;
                var freedByCorrupt = corrupt ? row!.Size : 0;
                if (charge is not null && UsageRow(charge.Writer, transaction) + encoded.Length > charge.QuotaBytes)
                {
                    // A new version is charged in full to its writer: the replaced one may have been another's.
                    result = PutResult.Refused(ValidationResult.Refuse(RefusalReason.OverQuota,
                        $"Storing {encoded.Length} bytes would exceed this writer's quota of {charge.QuotaBytes} bytes on this node; try again when some of its objects expire."));
                }
                else if (_totalBytes - freedByCorrupt - freed + encoded.Length > Settings.MaxTotalBytes)
                {
                    result = PutResult.Refused(ValidationResult.Refuse(RefusalReason.OverBudget,
                        $"Storing {encoded.Length} bytes would exceed the budget of {Settings.MaxTotalBytes} bytes ({_totalBytes - freedByCorrupt} held)."));
                }
                else
                {
                    var lease = held is null ? expiry : LeaseInstant.Max(expiry, row!.Expiry);
                    WriteRow(value, encoded, lease, replace: held is not null, charge?.Writer ?? "", transaction);
                    if (version is { } stored) RememberRow(value.Id, stored, transaction);
                    bytesDelta = encoded.Length - freed;
                    countDelta = held is null ? 1 : 0;
                    result = new PutResult(held is null ? PutOutcome.Stored : PutOutcome.Updated, RefusalReason.None,
                        held is null ? "stored" : $"replaced the held version", lease);
                }
            }

            transaction.Commit();
            if (held is not null) Devices.Learn(held);
            if (result.Outcome is PutOutcome.Stored or PutOutcome.Updated) Devices.Learn(value);
            if (corrupt) DroppedCorrupt(row!.Size);
            _totalBytes += bytesDelta;
            _objectCount += countDelta;
            if (result.Outcome == PutOutcome.Refused) Count(result.Reason);
            return result;
        }
    }

    /// <inheritdoc />
    public long CountCharged(RingArc arc, string writer)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            var runs = arc.Wraps ? new[] { (arc.Start, RingId.Max), (RingId.Zero, arc.End) } : new[] { (arc.Start, arc.End) };
            long count = 0;
            foreach (var (low, high) in runs)
            {
                using var command = _connection.CreateCommand();
                command.CommandText = "SELECT count(*) FROM objects WHERE writer = $writer AND id >= $low AND id <= $high";
                command.Parameters.AddWithValue("$writer", writer);
                command.Parameters.AddWithValue("$low", low.ToBytes());
                command.Parameters.AddWithValue("$high", high.ToBytes());
                count += (long)command.ExecuteScalar()!;
            }
            return count;
        }
    }

    /// <inheritdoc />
    public ulong? NewestVersionSeen(RingId id)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            return SeenRow(id, null);
        }
    }

    /// <inheritdoc />
    public void RememberVersion(RingId id, ulong version)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var transaction = _connection.BeginTransaction();
            RememberRow(id, version, transaction);
            transaction.Commit();
        }
    }

    private ulong? SeenRow(RingId id, SqliteTransaction? transaction)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT version FROM versions_seen WHERE id = $id";
        command.Parameters.AddWithValue("$id", id.ToBytes());
        return command.ExecuteScalar() is long stored ? unchecked((ulong)stored) : null;
    }

    private void RememberRow(RingId id, ulong version, SqliteTransaction transaction)
    {
        if (SeenRow(id, transaction) is { } seen && seen >= version) return;
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO versions_seen (id, version) VALUES ($id, $version) ON CONFLICT (id) DO UPDATE SET version = excluded.version";
        command.Parameters.AddWithValue("$id", id.ToBytes());
        command.Parameters.AddWithValue("$version", unchecked((long)version));
        command.ExecuteNonQuery();
    }

    /// <inheritdoc />
    public GetResult Get(RingId id)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            var row = ReadRow(id, null);
            if (row is null) return GetResult.NotFound;
            var value = Verify(id, row.Encoded, out var problem);
            if (value is not null) return new GetResult(GetOutcome.Found, value, row.Expiry, null);
            DeleteRow(id, null);
            DroppedCorrupt(row.Size);
            return new GetResult(GetOutcome.Corrupt, null, null, problem);
        }
    }

    /// <inheritdoc />
    public bool Contains(RingId id)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var command = Command("SELECT 1 FROM objects WHERE id = $id", null);
            command.Parameters.AddWithValue("$id", id.ToBytes());
            return command.ExecuteScalar() is not null;
        }
    }

    /// <inheritdoc />
    public LeaseInstant? ExtendLease(RingId id, LeaseInstant expiry)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            return ExtendRow(id, expiry, null);
        }
    }

    /// <inheritdoc />
    public byte[]? ReadMeta(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            ThrowIfDisposed();
            using var command = Command("SELECT value FROM meta WHERE key = $key", null);
            command.Parameters.AddWithValue("$key", key);
            return command.ExecuteScalar() as byte[];
        }
    }

    /// <inheritdoc />
    public void WriteMeta(string key, ReadOnlySpan<byte> value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (key == StoreSchema.VersionKey)
            throw new ArgumentException($"\"{key}\" belongs to the schema migrations.", nameof(key));
        lock (_gate)
        {
            ThrowIfDisposed();
            using var command = Command(
                "INSERT INTO meta (key, value) VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value", null);
            command.Parameters.AddWithValue("$key", key);
            command.Parameters.AddWithValue("$value", value.ToArray());
            command.ExecuteNonQuery();
        }
    }

    /// <inheritdoc />
    public StoreStats GetStats()
    {
        lock (_gate)
        {
            return new StoreStats(_objectCount, _totalBytes, Settings.MaxTotalBytes,
                new Dictionary<RefusalReason, long>(_refusals), _corruptDropped, _expiredCollected);
        }
    }

    /// <summary>Closes the database file.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _connection.Dispose();
        }
    }

    private PutResult Refuse(ValidationResult validation)
    {
        Count(validation.Reason);
        return PutResult.Refused(validation);
    }

    private void Count(RefusalReason reason) =>
        _refusals[reason] = _refusals.TryGetValue(reason, out var count) ? count + 1 : 1;

    private void DroppedCorrupt(long size)
    {
        _corruptDropped++;
        _objectCount--;
        _totalBytes -= size;
    }

    /// <summary>Decodes and re-verifies a stored copy; null (with the problem) when it is not exactly a valid object under its row id.</summary>
    private static StoredObject? Verify(RingId rowId, byte[] encoded, out string? problem)
    {
        // No size limit here: a copy stored under a larger limit is not corrupt because the limit was lowered since.
        var check = ObjectValidator.DecodeAndCheck(encoded, int.MaxValue, out var value);
        if (!check.IsAccepted)
        {
            problem = check.Message;
            return null;
        }
        if (value!.Id != rowId)
        {
            problem = $"The row for {rowId.ToShortString()} holds an object encoded as {value.Id.ToShortString()}.";
            return null;
        }
        problem = null;
        return value;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
