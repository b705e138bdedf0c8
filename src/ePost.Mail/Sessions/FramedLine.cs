namespace ePost.Mail.Sessions;

/// <summary>How a framed line ended: the only legal ending is CRLF; the others are events the protocol must refuse.</summary>
public enum LineTerminator
{
    /// <summary>The line ended with CR LF, as every mail protocol requires.</summary>
    CrLf,

    /// <summary>The line ended with a LF not preceded by CR (a bare LF, the SMTP smuggling vector).</summary>
    BareLf,

    /// <summary>The line exceeded the length limit; its bytes were discarded up to the next LF.</summary>
    TooLong,
}

/// <summary>One line cut from the input stream, without its terminator.</summary>
/// <param name="Content">The line's bytes, without CR LF (empty when <see cref="LineTerminator.TooLong"/>).</param>
/// <param name="Terminator">How the line ended.</param>
/// <param name="HasBareCr">True when the content holds a CR that is not part of the final CR LF.</param>
public readonly record struct FramedLine(byte[] Content, LineTerminator Terminator, bool HasBareCr)
{
    /// <summary>A line that exceeded the limit.</summary>
    public static FramedLine TooLong => new([], LineTerminator.TooLong, false);

    /// <summary>True when the line is well formed: CR LF terminated, no bare CR inside.</summary>
    public bool IsClean => Terminator == LineTerminator.CrLf && !HasBareCr;

    /// <summary>The content decoded as UTF-8 (commands are ASCII or, with SMTPUTF8, UTF-8).</summary>
    public string Text => System.Text.Encoding.UTF8.GetString(Content);

    /// <summary>A clean line from text (tests and transcripts).</summary>
    public static FramedLine FromText(string text) => new(System.Text.Encoding.UTF8.GetBytes(text), LineTerminator.CrLf, text.Contains('\r'));
}
