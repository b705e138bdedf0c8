namespace ePost.Mail.Imap.Commands;

// Commands naming a mailbox (RFC 3501 §6.3). Mailbox names are already decoded from modified UTF-7,
// and any spelling of INBOX is normalised to "INBOX".

/// <summary>SELECT (ReadOnly = false) or EXAMINE (ReadOnly = true), optionally with (CONDSTORE).</summary>
public sealed record SelectCommand(string Tag, string Mailbox, bool ReadOnly, bool CondStore) : ImapCommand(Tag)
{
    /// <summary>The QRESYNC parameter (RFC 7162 §3.2.5), when given.</summary>
    public QResyncParameters? QResync { get; init; }
}

/// <summary>QRESYNC (uidvalidity modseq [known-uids]); the optional sequence match data is read and not used.</summary>
/// <param name="UidValidity">The UIDVALIDITY the client's cache is for.</param>
/// <param name="ModSeq">The last MODSEQ the client knows.</param>
/// <param name="KnownUids">The UIDs the client knows; all below UIDNEXT when absent.</param>
public sealed record QResyncParameters(uint UidValidity, ulong ModSeq, Sequences.SequenceSet? KnownUids);

/// <summary>CREATE mailbox [(USE (\Drafts ...))] (RFC 6154).</summary>
public sealed record CreateCommand(string Tag, string Mailbox, IReadOnlyList<string> SpecialUse) : ImapCommand(Tag);

/// <summary>DELETE mailbox.</summary>
public sealed record DeleteCommand(string Tag, string Mailbox) : ImapCommand(Tag);

/// <summary>RENAME from to.</summary>
public sealed record RenameCommand(string Tag, string From, string To) : ImapCommand(Tag);

/// <summary>SUBSCRIBE (Subscribe = true) or UNSUBSCRIBE.</summary>
public sealed record SubscribeCommand(string Tag, string Mailbox, bool Subscribe) : ImapCommand(Tag);

/// <summary>
/// LIST [(selection-options)] reference patterns [RETURN (return-options)] (RFC 3501, 5258, 6154);
/// options upper-cased (SUBSCRIBED, REMOTE, RECURSIVEMATCH, SPECIAL-USE / SUBSCRIBED, CHILDREN, SPECIAL-USE).
/// LSUB is LIST with IsLsub set.
/// </summary>
public sealed record ListCommand(
    string Tag,
    string Reference,
    IReadOnlyList<string> Patterns,
    IReadOnlyList<string> SelectionOptions,
    IReadOnlyList<string> ReturnOptions,
    bool IsLsub) : ImapCommand(Tag)
{
    /// <summary>The RFC 5258 extended syntax was used (selection options, a pattern list or RETURN, even if empty).</summary>
    public bool Extended { get; init; }
}

/// <summary>STATUS mailbox (items), items upper-cased: MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN [HIGHESTMODSEQ].</summary>
public sealed record StatusCommand(string Tag, string Mailbox, IReadOnlyList<string> Items) : ImapCommand(Tag);

/// <summary>APPEND mailbox [flags] [date-time] literal.</summary>
public sealed record AppendCommand(
    string Tag,
    string Mailbox,
    IReadOnlyList<string> Flags,
    DateTimeOffset? InternalDate,
    byte[] Message) : ImapCommand(Tag)
{
    /// <summary>Keep logs short: the message bytes are not printed.</summary>
    public override string ToString() =>
        $"AppendCommand {{ Tag = {Tag}, Mailbox = {Mailbox}, Flags = [{string.Join(' ', Flags)}], Bytes = {Message.Length} }}";
}
