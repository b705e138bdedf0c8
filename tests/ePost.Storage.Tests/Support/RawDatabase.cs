using Microsoft.Data.Sqlite;

namespace ePost.Storage.Tests.Support;

/// <summary>Direct SQL on a node database file, bypassing the store: how tests play disk corruption.</summary>
public static class RawDatabase
{
    public static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    /// <summary>Flips bits of one byte of a stored object's encoding, in place, behind the store's back.</summary>
    public static void FlipEncodedByte(string path, byte[] id, int offset, byte mask = 0xFF)
    {
        var encoded = ReadEncoded(path, id);
        encoded[offset] ^= mask;
        Execute(path, "UPDATE objects SET encoded = $encoded WHERE id = $id", ("$encoded", encoded), ("$id", id));
    }

    public static void Execute(string path, string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        command.ExecuteNonQuery();
    }

    public static byte[] ReadEncoded(string path, byte[] id)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT encoded FROM objects WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        return (byte[])command.ExecuteScalar()!;
    }
}
