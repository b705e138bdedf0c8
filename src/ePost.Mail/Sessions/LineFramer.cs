namespace ePost.Mail.Sessions;

/// <summary>
/// Incremental line framing: bytes in, complete lines (or "too long" events) out. Pure, no I/O.
/// Lines are cut at LF so that a bare LF can never hide a command inside another line; the session decides what to
/// do with bare LF and bare CR. Memory stays bounded: at most one line limit plus one appended chunk is buffered.
/// </summary>
public sealed class LineFramer
{
    private byte[] buffer = new byte[4096];
    private int start;
    private int count;
    private bool discarding;

    /// <summary>Bytes appended but not yet returned as lines.</summary>
    public int Buffered => count;

    /// <summary>Adds received bytes.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        if (start + count + data.Length > buffer.Length)
        {
            var target = count + data.Length > buffer.Length ? new byte[Math.Max(buffer.Length * 2, count + data.Length)] : buffer;
            Buffer.BlockCopy(buffer, start, target, 0, count);
            buffer = target;
            start = 0;
        }
        data.CopyTo(buffer.AsSpan(start + count));
        count += data.Length;
    }

    /// <summary>Drops everything buffered (used at STARTTLS: nothing sent before the handshake may be interpreted after it).</summary>
    public void Clear()
    {
        start = 0;
        count = 0;
        discarding = false;
    }

    /// <summary>
    /// Takes up to <paramref name="max"/> buffered bytes as they are, without framing (a length-counted chunk such as
    /// SMTP BDAT data); empty when nothing is buffered.
    /// </summary>
    public byte[] TakeBytes(long max)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        var length = (int)Math.Min(max, count);
        var bytes = buffer.AsSpan(start, length).ToArray();
        Consume(length);
        return bytes;
    }

    /// <summary>
    /// Takes the next complete line. <paramref name="maxLength"/> counts the line including its CR LF (as RFC 5321 does).
    /// A line longer than that yields one <see cref="LineTerminator.TooLong"/> event as soon as it is detected; the rest
    /// of it, up to the next LF, is discarded silently.
    /// </summary>
    public bool TryReadLine(int maxLength, out FramedLine line)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 3);
        while (true)
        {
            var pending = buffer.AsSpan(start, count);
            var lf = pending.IndexOf((byte)'\n');
            if (discarding)
            {
                if (lf < 0)
                {
                    Clear();
                    discarding = true;
                    line = default;
                    return false;
                }
                Consume(lf + 1);
                discarding = false;
                continue;
            }
            if (lf < 0)
            {
                if (count >= maxLength)
                {
                    Clear();
                    discarding = true;
                    line = FramedLine.TooLong;
                    return true;
                }
                line = default;
                return false;
            }
            if (lf + 1 > maxLength)
            {
                Consume(lf + 1);
                line = FramedLine.TooLong;
                return true;
            }
            var crlf = lf > 0 && pending[lf - 1] == (byte)'\r';
            var content = pending[..(crlf ? lf - 1 : lf)];
            line = new FramedLine(content.ToArray(), crlf ? LineTerminator.CrLf : LineTerminator.BareLf, content.Contains((byte)'\r'));
            Consume(lf + 1);
            return true;
        }
    }

    private void Consume(int length)
    {
        start += length;
        count -= length;
        if (count == 0) start = 0;
    }
}
