using ePost.Mail.Sessions;

namespace ePost.Mail.Smtp;

/// <summary>Why message text was refused.</summary>
public enum DataFault
{
    /// <summary>No fault.</summary>
    None,

    /// <summary>A bare CR or bare LF appeared (RFC 5321 §2.3.8; the SMTP smuggling vector).</summary>
    BareLineEnding,

    /// <summary>A text line exceeded the limit.</summary>
    LineTooLong,

    /// <summary>The message exceeded the size limit.</summary>
    TooLarge,
}

/// <summary>
/// Collects the message text after DATA: dot-unstuffing, end at CR LF . CR LF only, and refusal of bare CR/LF, long
/// lines and oversize messages. After a fault it keeps reading (storing nothing) to the end marker, so that the client
/// gets one error reply and what it smuggled into the text is never executed as commands.
/// </summary>
public sealed class SmtpDataReader(long maxSize)
{
    private static readonly byte[] CrLf = "\r\n"u8.ToArray();
    private readonly MemoryStream text = new();
    private bool afterCrLf = true; // the DATA command line itself ended with CR LF

    /// <summary>The first fault seen, if any.</summary>
    public DataFault Fault { get; private set; }

    /// <summary>Octets of message text so far (after unstuffing, with CR LF line ends).</summary>
    public long Size { get; private set; }

    /// <summary>Adds one line; returns true when it was the end marker.</summary>
    public bool Add(FramedLine line)
    {
        var followsCrLf = afterCrLf;
        afterCrLf = line.Terminator != LineTerminator.BareLf;
        if (line.Terminator == LineTerminator.TooLong)
        {
            Refuse(DataFault.LineTooLong);
            return false;
        }
        if (!line.IsClean)
        {
            Refuse(DataFault.BareLineEnding);
            return false;
        }
        var content = line.Content.AsSpan();
        // Only CR LF . CR LF ends the text (RFC 5321 §4.1.1.4): "." after a bare LF, or ended by one, is the smuggling
        // trick and stays part of the (refused) text.
        if (content.Length == 1 && content[0] == (byte)'.' && followsCrLf) return true;
        if (content.Length > 0 && content[0] == (byte)'.') content = content[1..];
        Size += content.Length + 2;
        if (Size > maxSize) Refuse(DataFault.TooLarge);
        if (Fault != DataFault.None) return false;
        text.Write(content);
        text.Write(CrLf);
        return false;
    }

    /// <summary>
    /// The same rules for a message that arrived counted in octets (BDAT) instead of dot-terminated: every line ends
    /// with CR LF (the last may lack it), no bare CR or LF, no line longer than <paramref name="maxLine"/> with CR LF.
    /// </summary>
    public static DataFault Inspect(ReadOnlySpan<byte> message, int maxLine)
    {
        while (!message.IsEmpty)
        {
            var lf = message.IndexOf((byte)'\n');
            var line = lf < 0 ? message : message[..(lf + 1)];
            if (line.Length > maxLine) return DataFault.LineTooLong;
            var content = lf < 0 ? line : lf > 0 && line[^2] == (byte)'\r' ? line[..^2] : line;
            if (lf >= 0 && content.Length == line.Length) return DataFault.BareLineEnding;
            if (content.Contains((byte)'\r')) return DataFault.BareLineEnding;
            message = lf < 0 ? [] : message[(lf + 1)..];
        }
        return DataFault.None;
    }

    /// <summary>The collected message (only meaningful without a fault).</summary>
    public byte[] Message => text.ToArray();

    private void Refuse(DataFault fault)
    {
        if (Fault == DataFault.None) Fault = fault;
        text.SetLength(0);
    }
}
