using ePost.Core.Ids;

namespace ePost.Storage.Objects;

/// <summary>Immutable bytes stored under the first 160 bits of their SHA-256.</summary>
public sealed class ContentBlock : StoredObject
{
    /// <summary>A block with a claimed id, as received or read back; check it with <see cref="ObjectValidator"/>.</summary>
    public ContentBlock(RingId id, ReadOnlyMemory<byte> data) : base(id) => Data = data;

    /// <summary>The block's bytes.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <inheritdoc />
    public override ObjectKind Kind => ObjectKind.ContentBlock;

    /// <inheritdoc />
    public override int EncodedLength => ObjectCodec.ContentBlockOverhead + Data.Length;

    /// <summary>A block of <paramref name="data"/> under its own content id (the bytes are copied).</summary>
    public static ContentBlock Create(ReadOnlySpan<byte> data) => new(IdOf(data), data.ToArray());

    /// <summary>The content id of some bytes: the first 160 bits of their SHA-256.</summary>
    public static RingId IdOf(ReadOnlySpan<byte> data) => RingId.FromSha256(data);

    /// <summary>True when the id is the content id of the data.</summary>
    public bool IdMatchesContent() => IdOf(Data.Span) == Id;
}
