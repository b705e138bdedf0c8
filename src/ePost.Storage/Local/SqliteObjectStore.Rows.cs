using ePost.Core.Ids;
using ePost.Storage.Leases;
using ePost.Storage.Objects;
using Microsoft.Data.Sqlite;

namespace ePost.Storage.Local;

// Row-level SQL shared by the operations. Callers hold the lock.
public sealed partial class SqliteObjectStore
{
    private sealed record Row(byte[] Encoded, LeaseInstant Expiry, long Size);

    private Row? ReadRow(RingId id, SqliteTransaction? transaction)
    {
        using var command = Command("SELECT encoded, expiry, size FROM objects WHERE id = $id", transaction);
        command.Parameters.AddWithValue("$id", id.ToBytes());
        using var reader = command.ExecuteReader();
        if (!reader.Read()) return null;
        return new Row((byte[])reader.GetValue(0), new LeaseInstant(reader.GetInt64(1)), reader.GetInt64(2));
    }

    private void WriteRow(StoredObject value, byte[] encoded, LeaseInstant expiry, bool replace, string writer, SqliteTransaction transaction)
    {
        using var command = Command(replace
            ? "UPDATE objects SET kind = $kind, expiry = $expiry, size = $size, encoded = $encoded, writer = $writer WHERE id = $id"
            : "INSERT INTO objects (id, kind, expiry, size, encoded, writer) VALUES ($id, $kind, $expiry, $size, $encoded, $writer)", transaction);
        command.Parameters.AddWithValue("$writer", writer);
        command.Parameters.AddWithValue("$id", value.Id.ToBytes());
        command.Parameters.AddWithValue("$kind", (int)value.Kind);
        command.Parameters.AddWithValue("$expiry", expiry.Milliseconds);
        command.Parameters.AddWithValue("$size", (long)encoded.Length);
        command.Parameters.AddWithValue("$encoded", encoded);
        command.ExecuteNonQuery();
    }

    /// <summary>Bytes held that are charged to <paramref name="writer"/>.</summary>
    private long UsageRow(string writer, SqliteTransaction? transaction)
    {
        using var command = Command("SELECT coalesce(sum(size), 0) FROM objects WHERE writer = $writer", transaction);
        command.Parameters.AddWithValue("$writer", writer);
        return command.ExecuteScalar() is long used ? used : 0;
    }

    /// <summary>Moves a lease to the later of the held and the given expiry; returns the one in force, or null when not held.</summary>
    private LeaseInstant? ExtendRow(RingId id, LeaseInstant expiry, SqliteTransaction? transaction)
    {
        using var command = Command("UPDATE objects SET expiry = max(expiry, $expiry) WHERE id = $id RETURNING expiry", transaction);
        command.Parameters.AddWithValue("$id", id.ToBytes());
        command.Parameters.AddWithValue("$expiry", expiry.Milliseconds);
        return command.ExecuteScalar() is long inForce ? new LeaseInstant(inForce) : null;
    }

    private void DeleteRow(RingId id, SqliteTransaction? transaction)
    {
        using var command = Command("DELETE FROM objects WHERE id = $id", transaction);
        command.Parameters.AddWithValue("$id", id.ToBytes());
        command.ExecuteNonQuery();
    }

    private void LoadTotals()
    {
        using var command = Command("SELECT count(*), coalesce(sum(size), 0) FROM objects", null);
        using var reader = command.ExecuteReader();
        reader.Read();
        _objectCount = reader.GetInt64(0);
        _totalBytes = reader.GetInt64(1);
    }

    private SqliteCommand Command(string sql, SqliteTransaction? transaction)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    /// <summary>A pragma's value on the store's own connection (some, like synchronous, are per connection).</summary>
    internal object? ReadPragma(string name)
    {
        lock (_gate) return Scalar(_connection, $"PRAGMA {name}");
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
