using System.Buffers.Binary;

namespace ePost.Post.Logs;

/// <summary>Where a message's content lives in the ring: its manifest id and the key that opens it (opaque to the log).</summary>
/// <remarks>Equality is by the bytes, because the merge recognises the same message filed on both sides by its reference.</remarks>
public sealed record MessageRef
{
    /// <summary>Length of <see cref="ManifestId"/>.</summary>
    public const int ManifestIdLength = 20;

    /// <summary>Length of <see cref="Key"/>.</summary>
    public const int KeyLength = 32;

    /// <summary>A reference to the manifest <paramref name="manifestId"/> opened by <paramref name="key"/>; both are copied.</summary>
    public MessageRef(byte[] manifestId, byte[] key)
    {
        ArgumentNullException.ThrowIfNull(manifestId);
        ArgumentNullException.ThrowIfNull(key);
        if (manifestId.Length != ManifestIdLength)
            throw new ArgumentException($"A manifest id is {ManifestIdLength} bytes, not {manifestId.Length}.", nameof(manifestId));
        if (key.Length != KeyLength)
            throw new ArgumentException($"A message key is {KeyLength} bytes, not {key.Length}.", nameof(key));
        ManifestId = manifestId.ToArray();
        Key = key.ToArray();
    }

    /// <summary>The 20-byte id of the message's manifest.</summary>
    public byte[] ManifestId { get; }

    /// <summary>The 32-byte key that decrypts the message.</summary>
    public byte[] Key { get; }

    /// <inheritdoc />
    public bool Equals(MessageRef? other) =>
        other is not null && ManifestId.AsSpan().SequenceEqual(other.ManifestId) && Key.AsSpan().SequenceEqual(other.Key);

    /// <inheritdoc />
    public override int GetHashCode() => BinaryPrimitives.ReadInt32LittleEndian(ManifestId);

    /// <inheritdoc />
    public override string ToString() => $"MessageRef({Convert.ToHexStringLower(ManifestId)})";
}
