using System.Net;
using ePost.Mail.Imap.Protocol;
using ePost.Mail.Sessions;

namespace ePost.Mail.Imap;

/// <summary>Settings of an IMAP listener's sessions; reasons for the defaults in docs/decisions.md ("IMAP sessions").</summary>
/// <param name="HostName">Name in the greeting.</param>
/// <param name="AllowPlaintextLoginOnLoopback">Permit LOGIN and AUTHENTICATE without TLS when the client is on this machine.</param>
/// <param name="MaxErrors">BAD responses tolerated before the connection is closed with BYE.</param>
/// <param name="FetchChunkBytes">A FETCH response is written in pieces of about this size, so fetching a whole folder
/// never holds all its messages in memory at once.</param>
public sealed record ImapSettings(string HostName, bool AllowPlaintextLoginOnLoopback = true, int MaxErrors = 20, int FetchChunkBytes = 1024 * 1024)
{
    /// <summary>RFC 3501 §5.4: the autologout timer must be at least 30 minutes (IDLE clients re-arm every 29).</summary>
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromMinutes(30);

    /// <summary>Limits once a user has logged in (APPEND of large messages).</summary>
    public ImapLimits Limits { get; init; } = ImapLimits.Default;

    /// <summary>
    /// Limits before login: enough for LOGIN with literals and for the largest ID RFC 2971 allows (30 pairs of a
    /// 30-octet field and a 1024-octet value, about 31 KiB on one line), far too little for an anonymous client to
    /// make the server buffer megabytes.
    /// </summary>
    public ImapLimits PreAuthLimits { get; init; } = new()
    {
        MaxLineLength = 33 * 1024,
        MaxLiteralSize = 8 * 1024,
        MaxCommandSize = 40 * 1024,
        MaxNestingDepth = 4,
        MaxDiscardedLiteralSize = 64 * 1024,
    };

    /// <summary>Listener settings for IMAP (143 with STARTTLS, or 993 with <paramref name="implicitTls"/>): 30 minutes idle.</summary>
    public static ListenerSettings Listener(IPEndPoint endpoint, bool implicitTls, int maxConnectionsPerAddress = 20) =>
        new(endpoint, implicitTls, maxConnectionsPerAddress, DefaultIdleTimeout);
}
