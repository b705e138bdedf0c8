using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace ePost.Storage.Local;

/// <summary>Creates and migrates the node database; the schema version lives in the meta table.</summary>
/// <remarks>
/// Each step migrates version i to i + 1 inside one transaction together with the version bump, so a crash mid-way
/// leaves the database at a whole version. A database newer than this build is refused, never half-understood.
/// </remarks>
internal static class StoreSchema
{
    /// <summary>Meta key of the schema version (decimal text).</summary>
    public const string VersionKey = "schema-version";

    private static readonly string[] Steps =
    [
        // 0 -> 1. Ids are 20-byte big-endian blobs, so SQLite's memcmp order is ring order and range scans use the key.
        // size duplicates length(encoded) so budget sums and collection never touch the object bytes.
        """
        CREATE TABLE objects (
            id      BLOB    NOT NULL PRIMARY KEY CHECK (length(id) = 20),
            kind    INTEGER NOT NULL,
            expiry  INTEGER NOT NULL,
            size    INTEGER NOT NULL,
            encoded BLOB    NOT NULL
        );
        CREATE INDEX objects_by_expiry ON objects (expiry);
        """,
        // 1 -> 2. Who each object is charged to (the peer that delivered it; '' for copies from the replica set, whose
        // root charged the writer), so per-writer quotas are a sum over an index and survive restarts.
        """
        ALTER TABLE objects ADD COLUMN writer TEXT NOT NULL DEFAULT '';
        CREATE INDEX objects_by_writer ON objects (writer, size);
        """,
        // 2 -> 3. The newest version of each versioned object (signed heads, certificates) this node ever verified,
        // held or read, kept after the object itself expires: an older version is never accepted again. The version
        // is the u64 stored as its two's-complement i64; the store compares as u64.
        """
        CREATE TABLE versions_seen (
            id      BLOB    NOT NULL PRIMARY KEY CHECK (length(id) = 20),
            version INTEGER NOT NULL
        );
        """,
    ];

    /// <summary>The version this build writes.</summary>
    public static int CurrentVersion => Steps.Length;

    /// <summary>Brings the database to <see cref="CurrentVersion"/>.</summary>
    /// <exception cref="InvalidDataException">When the database is newer than this build or its version is unreadable.</exception>
    public static void Migrate(SqliteConnection connection)
    {
        Execute(connection, null, "CREATE TABLE IF NOT EXISTS meta (key TEXT NOT NULL PRIMARY KEY, value BLOB NOT NULL)");
        var version = ReadVersion(connection);
        if (version > CurrentVersion)
            throw new InvalidDataException(
                $"The node database has schema version {version}; this build understands up to {CurrentVersion}. Upgrade epost.");
        for (var step = version; step < CurrentVersion; step++)
        {
            using var transaction = connection.BeginTransaction();
            Execute(connection, transaction, Steps[step]);
            using var bump = connection.CreateCommand();
            bump.Transaction = transaction;
            bump.CommandText = "INSERT INTO meta (key, value) VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value";
            bump.Parameters.AddWithValue("$key", VersionKey);
            bump.Parameters.AddWithValue("$value", Encoding.ASCII.GetBytes((step + 1).ToString(CultureInfo.InvariantCulture)));
            bump.ExecuteNonQuery();
            transaction.Commit();
        }
    }

    private static int ReadVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM meta WHERE key = $key";
        command.Parameters.AddWithValue("$key", VersionKey);
        if (command.ExecuteScalar() is not byte[] value) return 0;
        var text = Encoding.ASCII.GetString(value);
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            throw new InvalidDataException($"The node database's schema version \"{text}\" is not a number.");
        return version;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
