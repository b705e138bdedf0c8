using ePost.Mail.Imap.Fetch;
using ePost.Mail.Imap.Search;
using ePost.Mail.Imap.Sequences;

namespace ePost.Mail.Imap.Commands;

// Commands on messages of the selected mailbox (RFC 3501 §6.4, UID forms, MOVE RFC 6851, CONDSTORE RFC 7162).

/// <summary>[UID] SEARCH [CHARSET c] keys; <paramref name="Charset"/> is null when absent.</summary>
public sealed record SearchCommand(string Tag, bool Uid, string? Charset, SearchKey Key) : ImapCommand(Tag)
{
    /// <summary>RETURN (options) (RFC 4731 ESEARCH, RFC 5182 SAVE), upper-cased; null when absent (a plain SEARCH).</summary>
    public IReadOnlyList<string>? Return { get; init; }
}

/// <summary>[UID] FETCH set items [(CHANGEDSINCE n)]; macros are already expanded, UID FETCH includes UID.</summary>
public sealed record FetchCommand(
    string Tag,
    bool Uid,
    SequenceSet Set,
    IReadOnlyList<FetchItem> Items,
    ulong? ChangedSince) : ImapCommand(Tag)
{
    /// <summary>The VANISHED modifier (RFC 7162 §3.2.6): UID FETCH with CHANGEDSINCE also reports expunged UIDs.</summary>
    public bool Vanished { get; init; }
}

/// <summary>How STORE changes flags.</summary>
public enum StoreMode
{
    /// <summary>FLAGS: replace.</summary>
    Replace,
    /// <summary>+FLAGS: add.</summary>
    Add,
    /// <summary>-FLAGS: remove.</summary>
    Remove,
}

/// <summary>[UID] STORE set [(UNCHANGEDSINCE n)] (+|-)FLAGS[.SILENT] flags.</summary>
public sealed record StoreCommand(
    string Tag,
    bool Uid,
    SequenceSet Set,
    StoreMode Mode,
    bool Silent,
    IReadOnlyList<string> Flags,
    ulong? UnchangedSince) : ImapCommand(Tag);

/// <summary>[UID] COPY set mailbox.</summary>
public sealed record CopyCommand(string Tag, bool Uid, SequenceSet Set, string Mailbox) : ImapCommand(Tag);

/// <summary>[UID] MOVE set mailbox (RFC 6851).</summary>
public sealed record MoveCommand(string Tag, bool Uid, SequenceSet Set, string Mailbox) : ImapCommand(Tag);
