using System.Buffers.Binary;
using ePost.Core.Ids;

namespace ePost.Post.Messages;

/// <summary>One piece of a message: bytes kept in the manifest itself, or a convergent block in the ring.</summary>
/// <param name="Inline">The bytes, for an inline piece; null for a block.</param>
/// <param name="BlockId">The block's id (hash of its ciphertext), for a block piece.</param>
/// <param name="BlockKey">The block's content key (hash of its plaintext), for a block piece.</param>
/// <param name="Length">The piece's plaintext length.</param>
public sealed record MessageSegment(byte[]? Inline, RingId BlockId, byte[]? BlockKey, int Length)
{
    /// <summary>True when the bytes live in a ring block.</summary>
    public bool IsBlock => Inline is null;
}

/// <summary>
/// How a message's exact bytes are put back together: the pieces in order. Stored convergently encrypted as a block of
/// its own; a folder log entry or a notification names it by id and key (<c>MessageRef</c>).
/// </summary>
/// <remarks>
/// Plaintext layout, big-endian: "EPMF" | u8 version = 1 | u64 total length | u32 piece count | pieces, each
/// u8 type = 0 (inline) | u32 length | bytes, or u8 type = 1 (block) | id (20) | key (32) | u32 length.
/// The decoder bounds every count and length by what remains and by <see cref="MaxPieces"/>, and checks that the
/// lengths add up to the total.
/// </remarks>
public sealed record MessageManifest(long TotalLength, IReadOnlyList<MessageSegment> Segments)
{
    /// <summary>Most pieces a manifest may list (a 64 MiB message in 512 KiB blocks needs 128, plus glue).</summary>
    public const int MaxPieces = 100_000;

    private static readonly byte[] Magic = "EPMF"u8.ToArray();
    private const byte Version = 1;

    /// <summary>The canonical bytes.</summary>
    public byte[] Encode()
    {
        var size = Magic.Length + 1 + 8 + 4 + Segments.Sum(s => s.IsBlock ? 1 + RingId.ByteLength + 32 + 4 : 1 + 4 + s.Length);
        var bytes = new byte[size];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        var at = Magic.Length;
        span[at++] = Version;
        BinaryPrimitives.WriteInt64BigEndian(span[at..], TotalLength);
        at += 8;
        BinaryPrimitives.WriteInt32BigEndian(span[at..], Segments.Count);
        at += 4;
        foreach (var segment in Segments)
        {
            if (segment.IsBlock)
            {
                span[at++] = 1;
                segment.BlockId.WriteBytes(span[at..]);
                at += RingId.ByteLength;
                segment.BlockKey.CopyTo(span[at..]);
                at += 32;
                BinaryPrimitives.WriteInt32BigEndian(span[at..], segment.Length);
                at += 4;
            }
            else
            {
                span[at++] = 0;
                BinaryPrimitives.WriteInt32BigEndian(span[at..], segment.Length);
                at += 4;
                segment.Inline.CopyTo(span[at..]);
                at += segment.Length;
            }
        }
        return bytes;
    }

    /// <summary>Decodes a manifest.</summary>
    /// <exception cref="FormatException">When the bytes are not a well-formed manifest.</exception>
    public static MessageManifest Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Magic.Length + 13 || !bytes[..Magic.Length].SequenceEqual(Magic))
            throw new FormatException("Not a message manifest.");
        if (bytes[Magic.Length] != Version) throw new FormatException($"Unknown message manifest version {bytes[Magic.Length]}.");
        var at = Magic.Length + 1;
        var total = BinaryPrimitives.ReadInt64BigEndian(bytes[at..]);
        var count = BinaryPrimitives.ReadInt32BigEndian(bytes[(at + 8)..]);
        at += 12;
        if (total < 0 || count < 0 || count > MaxPieces) throw new FormatException("A manifest's total or piece count is out of range.");
        var segments = new List<MessageSegment>(Math.Min(count, 1024));
        long sum = 0;
        for (var i = 0; i < count; i++)
        {
            if (at >= bytes.Length) throw new FormatException("The manifest is truncated.");
            var type = bytes[at++];
            if (type == 1)
            {
                if (bytes.Length - at < RingId.ByteLength + 36) throw new FormatException("The manifest is truncated inside a block piece.");
                var id = RingId.FromBytes(bytes.Slice(at, RingId.ByteLength));
                var key = bytes.Slice(at + RingId.ByteLength, 32).ToArray();
                var length = BinaryPrimitives.ReadInt32BigEndian(bytes[(at + RingId.ByteLength + 32)..]);
                at += RingId.ByteLength + 36;
                if (length < 0) throw new FormatException("A block piece has a negative length.");
                segments.Add(new MessageSegment(null, id, key, length));
                sum += length;
            }
            else if (type == 0)
            {
                if (bytes.Length - at < 4) throw new FormatException("The manifest is truncated inside an inline piece.");
                var length = BinaryPrimitives.ReadInt32BigEndian(bytes[at..]);
                at += 4;
                if (length < 0 || length > bytes.Length - at) throw new FormatException("An inline piece claims more bytes than remain.");
                segments.Add(new MessageSegment(bytes.Slice(at, length).ToArray(), default, null, length));
                at += length;
                sum += length;
            }
            else
            {
                throw new FormatException($"Unknown manifest piece type {type}.");
            }
        }
        if (at != bytes.Length) throw new FormatException("Bytes follow the manifest's last piece.");
        if (sum != total) throw new FormatException($"The pieces add up to {sum} bytes, not the stated {total}.");
        return new MessageManifest(total, segments);
    }
}
