using MimeKit;

namespace ePost.Mail.Smtp;

/// <summary>
/// Whether a submitted message's <c>From:</c> names only the logged-in user: the header check of Postfix's
/// <c>reject_sender_login_mismatch</c>, applied to the header a recipient reads and not only to the envelope.
/// </summary>
public static class FromHeaderCheck
{
    /// <summary>The first <c>From:</c> mailbox of <paramref name="message"/> that is not <paramref name="owner"/>, or null when every one is (or there is none).</summary>
    /// <remarks>
    /// Only the header block is parsed. Every <c>From:</c> field counts (a second one is how a forger hides behind a
    /// first that passes), and a field that does not parse as addresses is refused as not owned.
    /// </remarks>
    public static string? FirstUnowned(byte[] message, string owner)
    {
        ArgumentNullException.ThrowIfNull(message);
        HeaderList headers;
        try
        {
            using var stream = new MemoryStream(message, writable: false);
            headers = HeaderList.Load(stream);
        }
        catch (FormatException)
        {
            return "(unparsable header)";
        }
        foreach (var header in headers.Where(h => h.Id == HeaderId.From))
        {
            if (!InternetAddressList.TryParse(header.Value, out var addresses)) return header.Value.Trim();
            var mailboxes = addresses.Mailboxes.ToList();
            if (mailboxes.Count == 0) return header.Value.Trim();
            foreach (var mailbox in mailboxes)
                if (!string.Equals(mailbox.Address, owner, StringComparison.OrdinalIgnoreCase)) return mailbox.Address;
        }
        return null;
    }
}
