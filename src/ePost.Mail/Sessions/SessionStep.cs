using System.Text;

namespace ePost.Mail.Sessions;

/// <summary>What the connection does after a step's output is written.</summary>
public enum SessionAction
{
    /// <summary>Keep reading commands.</summary>
    Continue,

    /// <summary>Discard buffered input, then perform the TLS handshake as server (STARTTLS, STLS).</summary>
    StartTls,

    /// <summary>Close the connection.</summary>
    Close,

    /// <summary>From the next byte on, both directions are raw DEFLATE (IMAP COMPRESS=DEFLATE, RFC 4978).</summary>
    StartCompression,
}

/// <summary>The result of feeding one event to a protocol session: bytes to send, then an action, optionally delayed.</summary>
/// <param name="Output">Bytes to write (complete reply lines with CR LF).</param>
/// <param name="Action">What to do once they are written.</param>
/// <param name="Delay">How long to hold the reply back (failed logins); scheduled, never slept.</param>
public sealed record SessionStep(byte[] Output, SessionAction Action = SessionAction.Continue, TimeSpan Delay = default)
{
    /// <summary>Nothing to send; keep reading.</summary>
    public static readonly SessionStep None = new([]);

    /// <summary>Reply lines, each terminated with CR LF.</summary>
    public static SessionStep Reply(params string[] lines) => new(Encode(lines));

    /// <summary>Reply lines, then close the connection.</summary>
    public static SessionStep ReplyAndClose(params string[] lines) => new(Encode(lines), SessionAction.Close);

    /// <summary>Encodes reply lines as UTF-8 with CR LF after each.</summary>
    public static byte[] Encode(IEnumerable<string> lines)
    {
        var text = new StringBuilder();
        foreach (var line in lines) text.Append(line).Append("\r\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
