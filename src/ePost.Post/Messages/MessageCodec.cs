using ePost.Core.Crypto;
using ePost.Core.Ids;
using MimeKit;

namespace ePost.Post.Messages;

/// <summary>A message ready for the ring: its manifest block and the content blocks it names, all convergently encrypted.</summary>
/// <param name="Manifest">The manifest block; its id and key are the message's reference.</param>
/// <param name="Blocks">The distinct content blocks (a piece repeated within the message is stored once).</param>
/// <param name="Size">The message's size in bytes.</param>
public sealed record EncodedMessage(ConvergentBlock Manifest, IReadOnlyList<ConvergentBlock> Blocks, long Size);

/// <summary>
/// Splits a message's exact bytes into convergent blocks along its MIME structure, and puts them back together.
/// </summary>
/// <remarks>
/// Every leaf part's body (from the end of its header to the end of the part) of at least
/// <see cref="MinBlockBytes"/> becomes its own block (in pieces of at most <see cref="MaxBlockBytes"/>), so the same
/// attachment in two messages, or forwarded, is the same ciphertext and the ring stores it once. Headers, boundaries
/// and small parts stay inline in the manifest. Concatenating the pieces gives back the original bytes exactly, whatever
/// MimeKit makes of the structure: a message MimeKit cannot parse is simply cut into fixed pieces.
/// </remarks>
public static class MessageCodec
{
    /// <summary>Part bodies smaller than this stay inline: a block costs a lookup and a lease of its own.</summary>
    public const int MinBlockBytes = 4096;

    /// <summary>Largest block plaintext: well under the ring's 1 MiB object limit.</summary>
    public const int MaxBlockBytes = 512 * 1024;

    /// <summary>Inline runs longer than this are cut into blocks too, which bounds the manifest's size.</summary>
    public const int MaxInlineRun = 64 * 1024;

    /// <summary>Encrypts <paramref name="message"/> into its manifest and blocks.</summary>
    public static EncodedMessage Encode(ReadOnlyMemory<byte> message)
    {
        var segments = new List<MessageSegment>();
        var blocks = new Dictionary<RingId, ConvergentBlock>();
        var position = 0;
        foreach (var (start, end) in LeafBodies(message))
        {
            if (start < position) continue;
            AddInline(message[position..start]);
            AddBlocks(message[start..end]);
            position = end;
        }
        AddInline(message[position..]);
        var manifest = ConvergentEncryption.Encrypt(new MessageManifest(message.Length, segments).Encode());
        return new EncodedMessage(manifest, blocks.Values.ToList(), message.Length);

        void AddInline(ReadOnlyMemory<byte> run)
        {
            if (run.Length > MaxInlineRun)
            {
                AddBlocks(run);
                return;
            }
            if (run.Length > 0) segments.Add(new MessageSegment(run.ToArray(), default, null, run.Length));
        }

        void AddBlocks(ReadOnlyMemory<byte> body)
        {
            for (var at = 0; at < body.Length; at += MaxBlockBytes)
            {
                var piece = body.Slice(at, Math.Min(MaxBlockBytes, body.Length - at));
                var block = ConvergentEncryption.Encrypt(piece.Span);
                blocks.TryAdd(block.Id, block);
                segments.Add(new MessageSegment(null, block.Id, block.Key, piece.Length));
            }
        }
    }

    /// <summary>Rebuilds the message from its manifest plaintext, fetching each block's ciphertext with <paramref name="fetch"/>.</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">When a block does not decrypt to its piece.</exception>
    /// <exception cref="FormatException">When the manifest is malformed or a piece has the wrong length.</exception>
    public static async Task<byte[]> AssembleAsync(MessageManifest manifest, Func<RingId, Task<byte[]>> fetch)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(fetch);
        var bytes = new byte[manifest.TotalLength];
        var at = 0;
        foreach (var segment in manifest.Segments)
        {
            byte[] piece;
            if (segment.IsBlock)
            {
                var ciphertext = await fetch(segment.BlockId).ConfigureAwait(false);
                piece = ConvergentEncryption.Decrypt(segment.BlockId, segment.BlockKey, ciphertext);
            }
            else
            {
                piece = segment.Inline!;
            }
            if (piece.Length != segment.Length) throw new FormatException($"A piece of {piece.Length} bytes stands where {segment.Length} were listed.");
            piece.CopyTo(bytes, at);
            at += piece.Length;
        }
        return bytes;
    }

    /// <summary>The byte ranges of the leaf parts' bodies worth a block of their own, ascending and disjoint.</summary>
    private static List<(int Start, int End)> LeafBodies(ReadOnlyMemory<byte> message)
    {
        var ranges = new List<(int, int)>();
        try
        {
            using var stream = new MemoryStream(message.ToArray(), writable: false);
            var parser = new MimeParser(stream, MimeFormat.Entity);
            parser.MimeEntityEnd += (_, e) =>
            {
                if (e.Entity is Multipart or MessagePart) return;
                var start = (int)Math.Min(e.HeadersEndOffset, message.Length);
                var end = (int)Math.Min(e.EndOffset, message.Length);
                if (end - start >= MinBlockBytes) ranges.Add((start, end));
            };
            parser.ParseEntity();
        }
        catch (FormatException)
        {
            // Not MIME at all: the whole message is cut into plain pieces below.
            return [(0, message.Length)];
        }
        ranges.Sort();
        return ranges;
    }
}
