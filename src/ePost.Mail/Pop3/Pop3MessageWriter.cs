namespace ePost.Mail.Pop3;

/// <summary>
/// Formats a message for RETR and TOP (RFC 1939 §3): CR LF line ends, a "." prepended to every line that starts with
/// one, and the terminating ".". Pure.
/// </summary>
public static class Pop3MessageWriter
{
    /// <summary>The multi-line body for a message; with <paramref name="bodyLines"/>, only the header and that many body lines.</summary>
    public static byte[] Write(ReadOnlySpan<byte> message, int? bodyLines = null)
    {
        var output = new MemoryStream(message.Length + 64);
        var inHeader = true;
        var bodyCount = 0;
        while (!message.IsEmpty)
        {
            if (!inHeader && bodyLines is { } limit && bodyCount >= limit) break;
            var lf = message.IndexOf((byte)'\n');
            var line = lf < 0 ? message : message[..lf];
            message = lf < 0 ? [] : message[(lf + 1)..];
            if (line.EndsWith("\r"u8)) line = line[..^1];
            if (!inHeader) bodyCount++;
            else if (line.IsEmpty) inHeader = false;
            if (line.StartsWith("."u8)) output.WriteByte((byte)'.');
            output.Write(line);
            output.Write("\r\n"u8);
        }
        output.Write(".\r\n"u8);
        return output.ToArray();
    }
}
