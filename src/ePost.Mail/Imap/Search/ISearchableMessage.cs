using MimeKit;

namespace ePost.Mail.Imap.Search;

/// <summary>What SEARCH may look at for one message; <see cref="Message"/> is only touched for header/body keys.</summary>
public interface ISearchableMessage
{
    /// <summary>Message sequence number in the session's view.</summary>
    uint SequenceNumber { get; }

    /// <summary>UID.</summary>
    uint Uid { get; }

    /// <summary>Flags and keywords (without \Recent).</summary>
    IReadOnlySet<string> Flags { get; }

    /// <summary>True when \Recent for this session.</summary>
    bool IsRecent { get; }

    /// <summary>INTERNALDATE.</summary>
    DateTimeOffset InternalDate { get; }

    /// <summary>RFC822.SIZE.</summary>
    long Size { get; }

    /// <summary>Mod-sequence (CONDSTORE); 0 when not tracked.</summary>
    ulong ModSeq { get; }

    /// <summary>RFC 8474 EMAILID, null when the store has none.</summary>
    string? EmailId => null;

    /// <summary>RFC 8514 save date, null when the store does not know it.</summary>
    DateTimeOffset? SaveDate => null;

    /// <summary>The parsed message; implementations load it lazily.</summary>
    MimeMessage Message { get; }
}
