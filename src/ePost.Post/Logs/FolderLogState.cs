using System.Collections.Immutable;

namespace ePost.Post.Logs;

/// <summary>The state of one folder after replaying its log: counters, messages ascending by UID, delivery ids filed.</summary>
/// <remarks>
/// Immutable; <see cref="FolderReplay"/> derives the next state from a record. Messages are an ordered immutable list so
/// that IMAP sequence numbers are positions (index access in O(log n)) and UIDs are found by binary search.
/// Equality is by value, so a snapshot can be checked against a full replay.
/// </remarks>
public sealed class FolderLogState : IEquatable<FolderLogState>
{
    private FolderLogState(uint uidValidity, uint uidNext, ImmutableList<LoggedMessage> messages, ulong highestModSeq,
        ImmutableSortedSet<string> deliveredIds)
    {
        UidValidity = uidValidity;
        UidNext = uidNext;
        Messages = messages;
        HighestModSeq = highestModSeq;
        DeliveredIds = deliveredIds;
    }

    /// <summary>The folder's UIDVALIDITY.</summary>
    public uint UidValidity { get; }

    /// <summary>The UID the next filed message gets; greater than every UID ever used in this folder.</summary>
    public uint UidNext { get; }

    /// <summary>The messages, strictly ascending by UID.</summary>
    public ImmutableList<LoggedMessage> Messages { get; }

    /// <summary>The highest ModSeq of any change applied (CONDSTORE HIGHESTMODSEQ).</summary>
    public ulong HighestModSeq { get; }

    /// <summary>Every delivery id ever filed here, so that a notification delivered twice is filed once.</summary>
    public ImmutableSortedSet<string> DeliveredIds { get; }

    /// <summary>A new, empty folder.</summary>
    public static FolderLogState Empty(uint uidValidity)
    {
        if (uidValidity == 0)
            throw new ArgumentOutOfRangeException(nameof(uidValidity), "UIDVALIDITY is never 0.");
        return new(uidValidity, 1, [], 0, ImmutableSortedSet.Create<string>(StringComparer.Ordinal));
    }

    /// <summary>A state from its parts, checked: UIDs nonzero, strictly ascending and below <paramref name="uidNext"/>.</summary>
    /// <exception cref="LogFormatException">The parts do not form a consistent state.</exception>
    public static FolderLogState Create(uint uidValidity, uint uidNext, IEnumerable<LoggedMessage> messages,
        ulong highestModSeq, IEnumerable<string> deliveredIds)
    {
        if (uidValidity == 0)
            throw new LogFormatException("Folder state has UIDVALIDITY 0.");
        var list = messages.ToImmutableList();
        uint previous = 0;
        foreach (var message in list)
        {
            if (message.Uid <= previous)
                throw new LogFormatException($"Folder state lists UID {message.Uid} after UID {previous}: UIDs must be nonzero and strictly ascending.");
            if (message.Uid >= uidNext)
                throw new LogFormatException($"Folder state has UID {message.Uid} but UIDNEXT {uidNext}.");
            if (message.ModSeq > highestModSeq)
                throw new LogFormatException($"Message {message.Uid} has ModSeq {message.ModSeq} above HIGHESTMODSEQ {highestModSeq}.");
            previous = message.Uid;
        }
        if (uidNext == 0)
            throw new LogFormatException("Folder state has UIDNEXT 0.");
        return new(uidValidity, uidNext, list, highestModSeq, deliveredIds.ToImmutableSortedSet(StringComparer.Ordinal));
    }

    /// <summary>Position of the message with <paramref name="uid"/>, or -1.</summary>
    public int IndexOf(uint uid) => FolderReplay.IndexOf(Messages, uid);

    /// <summary>The message with <paramref name="uid"/>, or null.</summary>
    public LoggedMessage? Find(uint uid)
    {
        var index = IndexOf(uid);
        return index < 0 ? null : Messages[index];
    }

    internal FolderLogState With(uint? uidNext = null, ImmutableList<LoggedMessage>? messages = null,
        ulong? highestModSeq = null, ImmutableSortedSet<string>? deliveredIds = null, uint? uidValidity = null) =>
        new(uidValidity ?? UidValidity, uidNext ?? UidNext, messages ?? Messages, highestModSeq ?? HighestModSeq, deliveredIds ?? DeliveredIds);

    /// <inheritdoc />
    public bool Equals(FolderLogState? other) =>
        other is not null && UidValidity == other.UidValidity && UidNext == other.UidNext
        && HighestModSeq == other.HighestModSeq && Messages.SequenceEqual(other.Messages)
        && DeliveredIds.SetEquals(other.DeliveredIds);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as FolderLogState);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(UidValidity, UidNext, HighestModSeq, Messages.Count);

    /// <inheritdoc />
    public override string ToString() =>
        $"Folder(UIDVALIDITY {UidValidity}, UIDNEXT {UidNext}, {Messages.Count} messages, HIGHESTMODSEQ {HighestModSeq})";
}
