namespace ePost.Mail.Imap.Protocol;

/// <summary>A command that cannot be accepted as written; becomes "tag BAD|NO [code] message".</summary>
public sealed class ImapParseException(string message, ImapStatus status = ImapStatus.Bad, string? code = null)
    : Exception(message)
{
    /// <summary>BAD for syntax, NO for a well-formed request the server refuses (e.g. BADCHARSET).</summary>
    public ImapStatus Status { get; } = status;

    /// <summary>Optional response code, without brackets ("BADCHARSET (UTF-8 US-ASCII)").</summary>
    public string? Code { get; } = code;
}
