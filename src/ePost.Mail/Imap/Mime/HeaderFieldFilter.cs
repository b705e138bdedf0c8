namespace ePost.Mail.Imap.Mime;

/// <summary>HEADER.FIELDS / HEADER.FIELDS.NOT: picks whole raw header fields (with their folded lines) by name.</summary>
internal static class HeaderFieldFilter
{
    /// <summary>
    /// Returns the matching (keep) or non-matching fields, byte for byte, followed by the blank line that
    /// ends a header, as RFC 3501 requires for these sections.
    /// </summary>
    public static ReadOnlyMemory<byte> Select(ReadOnlySpan<byte> header, IReadOnlyList<string> names, bool keep)
    {
        var output = new List<byte>(header.Length);
        int pos = 0;
        while (pos < header.Length)
        {
            int end = FieldEnd(header, pos);
            var field = header[pos..end];
            if (IsBlankLine(field)) break;
            int colon = field.IndexOf((byte)':');
            bool matches = false;
            if (colon > 0)
                foreach (string name in names)
                    matches |= NameEquals(field[..colon], name);
            if (matches == keep) output.AddRange(field);
            pos = end;
        }
        output.Add((byte)'\r');
        output.Add((byte)'\n');
        return output.ToArray();
    }

    /// <summary>End of the field starting at <paramref name="start"/>: after its last line, continuation lines included.</summary>
    private static int FieldEnd(ReadOnlySpan<byte> header, int start)
    {
        int pos = start;
        while (true)
        {
            int lf = header[pos..].IndexOf((byte)'\n');
            if (lf < 0) return header.Length;
            pos += lf + 1;
            if (pos >= header.Length || header[pos] is not ((byte)' ' or (byte)'\t')) return pos;
        }
    }

    private static bool IsBlankLine(ReadOnlySpan<byte> line) =>
        line.Length == 0 || line is [(byte)'\n'] || line is [(byte)'\r', (byte)'\n'];

    private static bool NameEquals(ReadOnlySpan<byte> raw, string name)
    {
        raw = raw.TrimEnd((byte)' ').TrimEnd((byte)'\t');
        if (raw.Length != name.Length) return false;
        for (int i = 0; i < raw.Length; i++)
            if (char.ToUpperInvariant((char)raw[i]) != char.ToUpperInvariant(name[i])) return false;
        return true;
    }
}
