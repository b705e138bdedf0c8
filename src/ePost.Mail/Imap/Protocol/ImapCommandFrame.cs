namespace ePost.Mail.Imap.Protocol;

/// <summary>
/// One framed command: its lines (CRLF removed) and the literals between them. Every line except the last ends
/// with the literal announcement <c>{n}</c> or <c>{n+}</c> whose bytes are <c>Literals[i]</c>.
/// </summary>
public sealed record ImapCommandFrame(IReadOnlyList<byte[]> Lines, IReadOnlyList<byte[]> Literals)
{
    /// <summary>A frame made of a single line without literals (tests, replay).</summary>
    public static ImapCommandFrame FromLine(string line) =>
        new([System.Text.Encoding.UTF8.GetBytes(line)], []);

    /// <summary>Total bytes in lines and literals.</summary>
    public long Size => Lines.Sum(l => (long)l.Length) + Literals.Sum(l => (long)l.Length);
}
