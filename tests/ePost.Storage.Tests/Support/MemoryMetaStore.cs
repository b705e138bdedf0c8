using ePost.Storage.Local;

namespace ePost.Storage.Tests.Support;

/// <summary>An in-memory meta store, for testing the lease clock apart from SQLite; counts writes.</summary>
public sealed class MemoryMetaStore : IMetaStore
{
    private readonly Dictionary<string, byte[]> _values = [];

    public int Writes { get; private set; }

    public byte[]? ReadMeta(string key) => _values.TryGetValue(key, out var value) ? (byte[])value.Clone() : null;

    public void WriteMeta(string key, ReadOnlySpan<byte> value)
    {
        _values[key] = value.ToArray();
        Writes++;
    }
}
