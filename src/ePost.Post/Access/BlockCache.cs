using System.Collections.Concurrent;
using ePost.Core.Ids;
using ePost.Post.Ring;
using ePost.Storage.Objects;

namespace ePost.Post.Access;

/// <summary>
/// A node's local cache of message blocks it has read (ciphertext, exactly as the ring stores it), so reading a
/// message twice costs the ring once. Files named by block id; every read is verified against the id; when the cache
/// outgrows its budget the oldest files go.
/// </summary>
public sealed class BlockCache
{
    private readonly string _directory;
    private readonly long _budget;
    private readonly RingClient _ring;
    private readonly ConcurrentDictionary<RingId, Task<byte[]>> _inFlight = new();
    private long _bytes;

    /// <summary>A cache in <paramref name="directory"/> of at most <paramref name="budgetBytes"/>, filled from <paramref name="ring"/>.</summary>
    public BlockCache(string directory, long budgetBytes, RingClient ring)
    {
        _directory = directory;
        _budget = budgetBytes;
        _ring = ring;
        Directory.CreateDirectory(directory);
        _bytes = new DirectoryInfo(directory).EnumerateFiles().Sum(f => f.Length);
    }

    /// <summary>The block's ciphertext, from the cache or the ring.</summary>
    /// <exception cref="RingException">When the ring has no valid copy.</exception>
    public Task<byte[]> ReadAsync(RingId id, CancellationToken cancellation = default)
    {
        var path = Path.Combine(_directory, id.ToString());
        try
        {
            var cached = File.ReadAllBytes(path);
            if (ContentBlock.IdOf(cached) == id) return Task.FromResult(cached);
            File.Delete(path);
        }
        catch (FileNotFoundException)
        {
        }
        return _inFlight.GetOrAdd(id, _ => FetchAsync(id, path, cancellation));
    }

    private async Task<byte[]> FetchAsync(RingId id, string path, CancellationToken cancellation)
    {
        try
        {
            var data = await _ring.ReadBlockAsync(id, cancellation).ConfigureAwait(false);
            var temporary = path + ".tmp";
            await File.WriteAllBytesAsync(temporary, data, cancellation).ConfigureAwait(false);
            File.Move(temporary, path, overwrite: true);
            if (Interlocked.Add(ref _bytes, data.Length) > _budget) Trim();
            return data;
        }
        finally
        {
            _inFlight.TryRemove(id, out _);
        }
    }

    private void Trim()
    {
        foreach (var file in new DirectoryInfo(_directory).EnumerateFiles().OrderBy(f => f.LastWriteTimeUtc))
        {
            if (Interlocked.Read(ref _bytes) <= _budget * 3 / 4) return;
            try
            {
                var length = file.Length;
                file.Delete();
                Interlocked.Add(ref _bytes, -length);
            }
            catch (IOException)
            {
                // Another reader is writing it; skip.
            }
        }
    }
}
