using System.Security.Cryptography;
using System.Text;
using MimeKit;

namespace ePost.Mail.Imap.Mime;

/// <summary>
/// The RFC 8474 THREADID of a message: a hash of the Message-ID its thread started with, the first id of References,
/// else that of In-Reply-To, else the message's own Message-ID, so a reply and its original share one id in every
/// mailbox without any stored thread table (see docs/decisions.md). A message with none of the three is NIL.
/// </summary>
public static class ThreadId
{
    /// <summary>"T" and 24 hex digits, or null when the header names no message id at all.</summary>
    public static string? Of(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var root = message.References.FirstOrDefault() ?? NullIfEmpty(message.InReplyTo) ?? NullIfEmpty(message.MessageId);
        if (root is null) return null;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(root));
        return "T" + Convert.ToHexStringLower(hash.AsSpan(0, 12));
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
