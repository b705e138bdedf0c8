using System.Runtime.InteropServices;
using MimeKit;

namespace ePost.Mail.Imap.Mime;

/// <summary>Where one entity or message lies in the stored bytes: header start, body start, end, body lines.</summary>
internal readonly record struct PartSpan(long Begin, long HeadersEnd, long End, int Lines)
{
    /// <summary>Octets of the body.</summary>
    public long BodySize => End - HeadersEnd;
}

/// <summary>
/// A message as IMAP serves it: the exact stored bytes, MimeKit's tree of them, and the byte span of every
/// entity, so sections, sizes and BODYSTRUCTURE numbers all describe the same bytes.
/// </summary>
public sealed class ImapMessage
{
    private readonly Dictionary<MimeEntity, PartSpan> _entities;
    private readonly Dictionary<MimeMessage, PartSpan> _messages;

    private ImapMessage(ReadOnlyMemory<byte> raw, MimeMessage message, Dictionary<MimeEntity, PartSpan> entities,
        Dictionary<MimeMessage, PartSpan> messages)
    {
        Raw = raw;
        Message = message;
        _entities = entities;
        _messages = messages;
    }

    /// <summary>The bytes exactly as stored and served.</summary>
    public ReadOnlyMemory<byte> Raw { get; }

    /// <summary>The parsed message.</summary>
    public MimeMessage Message { get; }

    /// <summary>RFC822.SIZE: the length of the bytes served for BODY[].</summary>
    public long Size => Raw.Length;

    /// <summary>Parses stored bytes, recording the span of every entity and encapsulated message.</summary>
    public static ImapMessage Parse(ReadOnlyMemory<byte> raw)
    {
        var entities = new Dictionary<MimeEntity, PartSpan>(ReferenceEqualityComparer.Instance);
        var messages = new Dictionary<MimeMessage, PartSpan>(ReferenceEqualityComparer.Instance);
        // MemoryStream over the caller's array when there is one: parsing must not copy a 50 MiB message again.
        using var stream = MemoryMarshal.TryGetArray(raw, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(raw.ToArray(), writable: false);
        var parser = new MimeParser(stream, MimeFormat.Entity);
        parser.MimeEntityEnd += (_, e) => entities[e.Entity] = new PartSpan(e.BeginOffset, e.HeadersEndOffset, e.EndOffset, e.Lines);
        parser.MimeMessageEnd += (_, e) => messages[e.Message] = new PartSpan(e.BeginOffset, e.HeadersEndOffset, e.EndOffset, 0);
        var message = parser.ParseMessage();
        return new ImapMessage(raw, message, entities, messages);
    }

    internal PartSpan SpanOf(MimeEntity entity) => _entities[entity];

    internal PartSpan SpanOf(MimeMessage message) => _messages[message];

    internal ReadOnlyMemory<byte> Slice(long start, long end) =>
        Raw.Slice((int)Math.Min(start, Raw.Length), (int)Math.Max(0, Math.Min(end, Raw.Length) - Math.Min(start, Raw.Length)));
}
