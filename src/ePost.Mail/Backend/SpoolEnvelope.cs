using ePost.Mail.Dsn;

namespace ePost.Mail.Backend;

/// <summary>The SMTP envelope of an accepted message.</summary>
/// <param name="Sender">MAIL FROM reverse path; empty for the null sender &lt;&gt; (bounces).</param>
/// <param name="Recipients">RCPT TO forward paths, in order, without duplicates.</param>
/// <param name="AuthenticatedUser">Login name when the client authenticated (submission), else null.</param>
/// <param name="Client">Client IP address as text, for the trace header and abuse handling.</param>
/// <param name="ReceivedAt">When the message was accepted, by the node's clock.</param>
public sealed record SpoolEnvelope(string Sender, IReadOnlyList<string> Recipients, string? AuthenticatedUser, string Client, DateTimeOffset ReceivedAt)
{
    /// <summary>
    /// MAIL FROM carried REQUIRETLS (RFC 8689): every hop must be TLS with a verified certificate and must itself
    /// offer REQUIRETLS, or the message is not delivered there. False in spool files written before it existed.
    /// </summary>
    public bool RequireTls { get; init; }

    /// <summary>MAIL RET= (RFC 3461): how much of the message a failure report returns.</summary>
    public DsnReturn Return { get; init; }

    /// <summary>MAIL ENVID= (RFC 3461), decoded, echoed in every report; null when not given.</summary>
    public string? EnvelopeId { get; init; }

    /// <summary>RCPT NOTIFY= and ORCPT= of the recipients that gave them, by recipient as in <see cref="Recipients"/>; null when none did.</summary>
    public IReadOnlyDictionary<string, RecipientDsn>? RecipientDsn { get; init; }

    /// <summary>What the sender asked to be told about <paramref name="recipient"/>.</summary>
    public RecipientDsn DsnFor(string recipient) =>
        RecipientDsn?.FirstOrDefault(p => string.Equals(p.Key, recipient, StringComparison.OrdinalIgnoreCase)).Value ?? Dsn.RecipientDsn.Default;
}
