namespace ePost.Mail.Imap.Protocol;

/// <summary>The "{n}" / "{n+}" that ends a line announcing a literal.</summary>
internal static class LiteralAnnouncement
{
    /// <summary>At most 18 digits, so the size can never overflow a long.</summary>
    private const int MaxDigits = 18;

    /// <summary>Parses a trailing "{digits}" or "{digits+}"; returns (-1, false) when the line ends otherwise.</summary>
    public static (long Size, bool Synchronizing) Parse(ReadOnlySpan<byte> line)
    {
        if (line.Length < 3 || line[^1] != (byte)'}') return (-1, false);
        int open = line.LastIndexOf((byte)'{');
        if (open < 0) return (-1, false);
        var inner = line[(open + 1)..^1];
        bool synchronizing = true;
        if (inner.Length > 0 && inner[^1] == (byte)'+')
        {
            synchronizing = false;
            inner = inner[..^1];
        }
        if (inner.Length is 0 or > MaxDigits) return (-1, false);
        long size = 0;
        foreach (byte d in inner)
        {
            if (d is < (byte)'0' or > (byte)'9') return (-1, false);
            size = size * 10 + (d - '0');
        }
        return (size, synchronizing);
    }
}
