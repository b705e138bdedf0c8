using ePost.Core.Crypto;
using ePost.Core.Ids;
using ePost.Post.Binary;
using ePost.Storage.Glacier;
using ePost.Storage.Leases;
using ePost.Storage.Objects;

namespace ePost.Post.Ring;

/// <summary>
/// Where a user's mailbox is archived in Glacier: the container references of the last archive pass, signed by the
/// user and stored under <see cref="Copies"/> labels ("archive-index/0".."15"), so under as many unrelated ids and
/// replica sets. Findable from the user's key alone, and it outlives the loss of most of the ring: every one of the
/// 16 x r replicas would have to be gone.
/// </summary>
/// <remarks>Payload: u32 count, then each <see cref="ContainerRef.ToBytes"/> as u32 length and bytes. The version is the pass number.</remarks>
public static class ArchiveIndex
{
    /// <summary>How many places hold the index.</summary>
    public const int Copies = 16;

    /// <summary>Most containers one index lists.</summary>
    public const int MaxContainers = 100_000;

    /// <summary>The label of copy <paramref name="copy"/>.</summary>
    public static string Label(int copy) => $"archive-index/{copy}";

    /// <summary>Writes version <paramref name="version"/> of the index to every copy; true when at least half of them were stored.</summary>
    public static async Task<bool> WriteAsync(RingClient ring, UserKeys owner, ulong version, IReadOnlyList<ContainerRef> containers, LeaseDuration lease)
    {
        var payload = new FieldWriter().UInt32((uint)containers.Count);
        foreach (var container in containers) payload.Bytes(container.ToBytes());
        var bytes = payload.ToArray();
        var stored = 0;
        await Task.WhenAll(Enumerable.Range(0, Copies).Select(async copy =>
        {
            try
            {
                await ring.InsertAsync(SignedObject.Create(owner.Signing, Label(copy), version, bytes), lease).ConfigureAwait(false);
                Interlocked.Increment(ref stored);
            }
            catch (RingException)
            {
                // Another copy will do; at least half must land.
            }
        })).ConfigureAwait(false);
        return stored >= Copies / 2;
    }

    /// <summary>The newest index any copy still holds, with its version, or null when no copy can be found.</summary>
    public static async Task<(ulong Version, IReadOnlyList<ContainerRef> Containers)?> ReadAsync(RingClient ring, UserKeys owner)
    {
        (ulong, IReadOnlyList<ContainerRef>)? best = null;
        foreach (var copy in Enumerable.Range(0, Copies))
        {
            StoredObject? found;
            try
            {
                found = await ring.LookupAsync(SignedObject.IdFor(owner.Signing.PublicKey, Label(copy)), newest: true).ConfigureAwait(false);
            }
            catch (Exception)
            {
                continue;
            }
            if (found is not SignedObject signed || !signed.OwnerKey.Span.SequenceEqual(owner.Signing.PublicKey) || !signed.SignatureIsValid()) continue;
            if (best is { } known && known.Item1 >= signed.Version) continue;
            try
            {
                var reader = new FieldReader(signed.Payload.Span, "archive index");
                var count = reader.UInt32();
                if (count > MaxContainers) continue;
                var containers = new List<ContainerRef>((int)count);
                for (var i = 0; i < count; i++) containers.Add(ContainerRef.FromBytes(reader.Bytes(1024)));
                reader.End();
                best = (signed.Version, containers);
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                // A damaged copy; another one will do.
            }
        }
        return best;
    }
}
