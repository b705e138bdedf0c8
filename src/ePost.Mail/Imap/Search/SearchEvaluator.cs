using ePost.Mail.Imap.Mime;
using MimeKit;

namespace ePost.Mail.Imap.Search;

/// <summary>Evaluates a <see cref="SearchKey"/> tree against one message.</summary>
/// <remarks>
/// String keys are case-insensitive substring matches on decoded text (RFC 3501 §6.4.4). Date keys compare days
/// only, each date in its own time zone. A message without a usable Date: header uses its internal date for SENT*.
/// "*" in sequence and UID sets means the largest number in the mailbox, which the caller passes in.
/// </remarks>
/// <param name="savedUids">The UIDs of the saved result "$" names (RFC 5182), if any.</param>
public sealed class SearchEvaluator(uint messageCount, uint largestUid, IReadOnlySet<uint>? savedUids = null)
{
    /// <summary>True when <paramref name="message"/> satisfies <paramref name="key"/>.</summary>
    public bool Matches(SearchKey key, ISearchableMessage message) => key switch
    {
        SearchAll => true,
        SearchFlag f => message.Flags.Any(x => string.Equals(x, f.Flag, StringComparison.OrdinalIgnoreCase)) == f.IsSet,
        SearchRecent r => message.IsRecent == r.IsRecent,
        SearchHeader h => MatchesHeader(message.Message, h.Field, h.Value),
        SearchText t => MatchesText(message.Message, t.Value, t.IncludeHeaders),
        SearchDate d => MatchesDate(d.Comparison, d.Date, d.SentDate ? SentDate(message) : DateOnly.FromDateTime(message.InternalDate.DateTime)),
        SearchSize s => s.Larger ? message.Size > s.Size : message.Size < s.Size,
        SearchSequence { Set.IsSavedResult: true } => savedUids?.Contains(message.Uid) == true,
        SearchSequence { Uid: false } q => q.Set.Contains(message.SequenceNumber, messageCount),
        SearchSequence { Uid: true } q => q.Set.Contains(message.Uid, largestUid),
        SearchModSeq m => message.ModSeq >= m.ModSeq,
        SearchSaveDate s => MatchesDate(s.Comparison, s.Date, DateOnly.FromDateTime((message.SaveDate ?? message.InternalDate).DateTime)),
        SearchSaveDateSupported => true,
        SearchObjectId { Thread: false } e => message.EmailId == e.Id,
        SearchObjectId { Thread: true } t => ThreadId.Of(message.Message) == t.Id,
        SearchNot n => !Matches(n.Key, message),
        SearchOr o => Matches(o.Left, message) || Matches(o.Right, message),
        SearchAnd a => a.Keys.All(k => Matches(k, message)),
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "Unknown search key"),
    };

    /// <summary>The matching messages' sequence numbers (or UIDs) in ascending order.</summary>
    public IReadOnlyList<uint> Run(SearchKey key, IEnumerable<ISearchableMessage> messages, bool uids) =>
        messages.Where(m => Matches(key, m)).Select(m => uids ? m.Uid : m.SequenceNumber).Order().ToList();

    private static bool MatchesDate(DateComparison comparison, DateOnly key, DateOnly date) => comparison switch
    {
        DateComparison.Before => date < key,
        DateComparison.On => date == key,
        _ => date >= key,
    };

    private static DateOnly SentDate(ISearchableMessage message)
    {
        var headers = message.Message.Headers;
        return headers.Contains(HeaderId.Date) && message.Message.Date != DateTimeOffset.MinValue
            ? DateOnly.FromDateTime(message.Message.Date.DateTime)
            : DateOnly.FromDateTime(message.InternalDate.DateTime);
    }

    /// <summary>
    /// HEADER field "" matches every message that has the field at all. In an address field (FROM, TO, CC, BCC and
    /// their HEADER forms) the value also matches any part of a parsed address: the decoded display name, the
    /// local part, the domain or local@domain, so comments and encoded words in the header do not hide an address
    /// (RFC 3501 §6.4.4 substring match; what Dovecot and ImapTest's "search-addresses" expect).
    /// </summary>
    private static bool MatchesHeader(MimeMessage message, string field, string value)
    {
        foreach (var header in message.Headers)
        {
            if (!string.Equals(header.Field, field, StringComparison.OrdinalIgnoreCase)) continue;
            if (header.Value.Contains(value, StringComparison.OrdinalIgnoreCase)) return true;
            if (AddressFields.Contains(header.Field) && InternetAddressList.TryParse(header.RawValue, out var addresses)
                && addresses.Any(a => MatchesAddress(a, value))) return true;
        }
        return false;
    }

    private static readonly HashSet<string> AddressFields =
        new(["From", "To", "Cc", "Bcc", "Sender", "Reply-To"], StringComparer.OrdinalIgnoreCase);

    private static bool MatchesAddress(InternetAddress address, string value) => address switch
    {
        GroupAddress group => Contains(group.Name, value) || group.Members.Any(m => MatchesAddress(m, value)),
        MailboxAddress mailbox => Contains(mailbox.Name, value) || Contains(mailbox.Address, value),
        _ => false,
    };

    private static bool Contains(string? text, string value) => text is not null && text.Contains(value, StringComparison.OrdinalIgnoreCase);

    private static bool MatchesText(MimeMessage message, string value, bool includeHeaders)
    {
        if (includeHeaders && message.Headers.Any(h => h.Value.Contains(value, StringComparison.OrdinalIgnoreCase)))
            return true;
        foreach (var part in message.BodyParts)
        {
            if (part is TextPart text && text.Text.Contains(value, StringComparison.OrdinalIgnoreCase)) return true;
            if (part is MessagePart { Message: { } inner } && MatchesText(inner, value, includeHeaders: true)) return true;
        }
        return false;
    }
}
