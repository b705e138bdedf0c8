using System.Collections.Immutable;

namespace ePost.Post.Logs;

/// <summary>A message as the folder state knows it: UID, flags, metadata, where its content lives, and its last ModSeq.</summary>
public sealed record LoggedMessage
{
    /// <summary>A message; <paramref name="flags"/> are normalized (see <see cref="MessageFlags"/>).</summary>
    public LoggedMessage(uint uid, IEnumerable<string> flags, long internalDateMs, long size, MessageRef @ref, ulong modSeq, long? savedAtMs = null)
    {
        SavedAtMs = savedAtMs;
        Uid = uid;
        Flags = MessageFlags.Normalize(flags);
        InternalDateMs = internalDateMs;
        Size = size;
        Ref = @ref ?? throw new ArgumentNullException(nameof(@ref));
        ModSeq = modSeq;
    }

    /// <summary>The IMAP UID, unique within the folder's UIDVALIDITY.</summary>
    public uint Uid { get; }

    /// <summary>The flags, normalized.</summary>
    public ImmutableArray<string> Flags { get; private init; }

    /// <summary>IMAP internal date, Unix milliseconds.</summary>
    public long InternalDateMs { get; }

    /// <summary>When the message was filed into this folder (RFC 8514 SAVEDATE), Unix milliseconds; null when filed before save dates were kept.</summary>
    public long? SavedAtMs { get; }

    /// <summary>Size of the message in bytes (RFC822.SIZE).</summary>
    public long Size { get; }

    /// <summary>Where the content lives.</summary>
    public MessageRef Ref { get; }

    /// <summary>Seq of the last record that touched this message (CONDSTORE MODSEQ).</summary>
    public ulong ModSeq { get; private init; }

    /// <summary>This message with new flags, touched at <paramref name="modSeq"/>.</summary>
    public LoggedMessage WithFlags(IEnumerable<string> flags, ulong modSeq) =>
        this with { Flags = MessageFlags.Normalize(flags), ModSeq = modSeq };

    /// <summary>This message, touched at <paramref name="modSeq"/> without other change.</summary>
    public LoggedMessage Touched(ulong modSeq) => this with { ModSeq = modSeq };

    /// <inheritdoc />
    public bool Equals(LoggedMessage? other) =>
        other is not null && Uid == other.Uid && InternalDateMs == other.InternalDateMs && Size == other.Size
        && ModSeq == other.ModSeq && SavedAtMs == other.SavedAtMs && Ref.Equals(other.Ref) && Flags.SequenceEqual(other.Flags, StringComparer.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Uid, ModSeq, Ref);
}
