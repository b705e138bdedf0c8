namespace ePost.Mail.Smtp;

/// <summary>Which role an SMTP listener plays.</summary>
public enum SmtpMode
{
    /// <summary>Message submission (RFC 6409, port 587/465): AUTH required, sender must be the user's own address.</summary>
    Submission,

    /// <summary>Gateway / MX: unauthenticated mail from the Internet, accepted only for existing ring users.</summary>
    Gateway,
}

/// <summary>Settings of an SMTP listener's sessions; defaults in <see cref="Default"/>, reasons in docs/decisions.md.</summary>
/// <param name="Mode">Submission or gateway.</param>
/// <param name="HostName">Name in the greeting, EHLO reply and Received header.</param>
/// <param name="MaxMessageSize">Largest message accepted, in octets (advertised as SIZE).</param>
/// <param name="MaxRecipients">Recipients per transaction; more get 452 (RFC 5321 §4.5.3.1.8 asks at least 100).</param>
/// <param name="MaxCommandLine">Longest command line including CR LF (RFC 5321 minimum 512; AUTH responses need more).</param>
/// <param name="MaxDataLine">Longest message text line including CR LF while reading DATA.</param>
/// <param name="AllowPlaintextAuthOnLoopback">Permit AUTH without TLS when the client is on this machine.</param>
public sealed record SmtpSettings(
    SmtpMode Mode,
    string HostName,
    long MaxMessageSize = 25 * 1024 * 1024,
    int MaxRecipients = 100,
    int MaxCommandLine = 2048,
    int MaxDataLine = 16384,
    bool AllowPlaintextAuthOnLoopback = true)
{
    /// <summary>Bad-command limits: delay past the soft limit, 421 at the hard one.</summary>
    public SmtpErrorLimits ErrorLimits { get; init; } = SmtpErrorLimits.Default;

    /// <summary>Submission defaults for a host name.</summary>
    public static SmtpSettings Default(string hostName) => new(SmtpMode.Submission, hostName);
}
