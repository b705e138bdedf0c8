using ePost.Core.Ids;

namespace ePost.Storage.Objects;

/// <summary>An object as nodes store and exchange it: either a <see cref="ContentBlock"/> or a <see cref="Objects.SignedObject"/>.</summary>
/// <remarks>
/// Instances carry what was claimed (an id as received), not what was checked: whether the id fits the content
/// is for <see cref="ObjectValidator"/> to say. That way the network, the database and the validator share one type.
/// </remarks>
public abstract class StoredObject
{
    private protected StoredObject(RingId id) => Id = id;

    /// <summary>Where the object lives on the ring.</summary>
    public RingId Id { get; }

    /// <summary>Which layout this is.</summary>
    public abstract ObjectKind Kind { get; }

    /// <summary>Bytes in the canonical encoding; what size limits and storage budgets count.</summary>
    public abstract int EncodedLength { get; }

    /// <summary>The canonical encoding (see <see cref="ObjectCodec"/>).</summary>
    public byte[] Encode() => ObjectCodec.Encode(this);

    /// <summary>True when both objects have the same canonical encoding.</summary>
    public bool SameBytesAs(StoredObject other) => Encode().AsSpan().SequenceEqual(other.Encode());
}
