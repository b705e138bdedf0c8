using System.Collections.Immutable;
using ePost.Mail.Imap.Commands;

namespace ePost.Mail.Imap.Mailbox;

/// <summary>One message in a folder snapshot: its UID, flags (without \Recent) and mod-sequence.</summary>
public sealed record MailboxEntry(uint Uid, ImmutableSortedSet<string> Flags, ulong ModSeq = 0)
{
    /// <summary>Creates an entry, flags compared case-insensitively as IMAP requires.</summary>
    public static MailboxEntry Create(uint uid, IEnumerable<string> flags, ulong modSeq = 0) =>
        new(uid, flags.ToImmutableSortedSet(StringComparer.OrdinalIgnoreCase), modSeq);

    /// <summary>The flags after a STORE: replaced, added to or removed from (\Recent is never stored).</summary>
    public ImmutableSortedSet<string> FlagsAfter(StoreMode mode, IEnumerable<string> flags)
    {
        var given = flags.Where(f => !string.Equals(f, "\\Recent", StringComparison.OrdinalIgnoreCase));
        return mode switch
        {
            StoreMode.Add => Flags.Union(given),
            StoreMode.Remove => Flags.Except(given),
            _ => given.ToImmutableSortedSet(StringComparer.OrdinalIgnoreCase),
        };
    }

    /// <summary>True when both entries carry the same flags.</summary>
    public bool SameFlags(MailboxEntry other) => Flags.SetEquals(other.Flags);
}

/// <summary>
/// The state of a folder at one moment, as the folder log yields it: UIDVALIDITY, UIDNEXT and the messages in
/// ascending UID order. Immutable; sessions compare two of them to know what to tell their client.
/// </summary>
public sealed record MailboxSnapshot
{
    /// <summary>Creates a snapshot; UIDs must ascend strictly and stay below <paramref name="uidNext"/>.</summary>
    public MailboxSnapshot(uint uidValidity, uint uidNext, IEnumerable<MailboxEntry> messages, ulong highestModSeq = 0)
    {
        var list = messages.ToImmutableArray();
        for (int i = 0; i < list.Length; i++)
        {
            if (list[i].Uid == 0 || i > 0 && list[i].Uid <= list[i - 1].Uid)
                throw new ArgumentException("UIDs must be non-zero and strictly ascending", nameof(messages));
        }
        if (list.Length > 0 && list[^1].Uid >= uidNext)
            throw new ArgumentException("UIDNEXT must exceed every UID", nameof(uidNext));
        if (uidValidity == 0) throw new ArgumentException("UIDVALIDITY must be non-zero", nameof(uidValidity));
        UidValidity = uidValidity;
        UidNext = uidNext;
        Messages = list;
        HighestModSeq = highestModSeq;
    }

    /// <summary>UIDVALIDITY.</summary>
    public uint UidValidity { get; }

    /// <summary>UIDNEXT: the UID the next appended message will get.</summary>
    public uint UidNext { get; }

    /// <summary>HIGHESTMODSEQ (CONDSTORE), 0 when not tracked.</summary>
    public ulong HighestModSeq { get; }

    /// <summary>The messages, ascending by UID.</summary>
    public ImmutableArray<MailboxEntry> Messages { get; }

    /// <summary>Finds a message by UID, or null.</summary>
    public MailboxEntry? Find(uint uid)
    {
        int lo = 0, hi = Messages.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            uint value = Messages[mid].Uid;
            if (value == uid) return Messages[mid];
            if (value < uid) lo = mid + 1;
            else hi = mid - 1;
        }
        return null;
    }
}
