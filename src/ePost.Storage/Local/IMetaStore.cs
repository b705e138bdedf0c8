namespace ePost.Storage.Local;

/// <summary>Durable key/value facts a node needs to restart where it stopped (the lease clock, for one).</summary>
public interface IMetaStore
{
    /// <summary>The value stored under <paramref name="key"/>, or null.</summary>
    byte[]? ReadMeta(string key);

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>; durable on disk when this returns.</summary>
    void WriteMeta(string key, ReadOnlySpan<byte> value);
}
