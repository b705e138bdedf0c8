namespace ePost.Mail.Imap.Protocol;

/// <summary>RFC 3501 §9 character classes (atom, astring, list, tag) as byte predicates.</summary>
internal static class ImapCharClass
{
    /// <summary>ATOM-CHAR: any 7-bit CHAR except atom-specials.</summary>
    public static bool IsAtomChar(byte b) =>
        b is > 0x20 and < 0x7f && b is not ((byte)'(' or (byte)')' or (byte)'{' or (byte)'%' or (byte)'*'
            or (byte)'"' or (byte)'\\' or (byte)']');

    /// <summary>ASTRING-CHAR: ATOM-CHAR or "]".</summary>
    public static bool IsAStringChar(byte b) => IsAtomChar(b) || b == (byte)']';

    /// <summary>list-char: ATOM-CHAR, list-wildcards or resp-specials.</summary>
    public static bool IsListChar(byte b) => IsAStringChar(b) || b is (byte)'%' or (byte)'*';

    /// <summary>tag: ASTRING-CHAR except "+".</summary>
    public static bool IsTagChar(byte b) => IsAStringChar(b) && b != (byte)'+';

    /// <summary>True when the text can be sent as an atom (non-empty, atom chars only, not NIL).</summary>
    public static bool CanBeAtom(ReadOnlySpan<byte> text)
    {
        if (text.IsEmpty || text.Length == 3 && (text[0] | 0x20) == 'n' && (text[1] | 0x20) == 'i' && (text[2] | 0x20) == 'l')
            return false;
        foreach (byte b in text)
            if (!IsAtomChar(b)) return false;
        return true;
    }

    /// <summary>True when the bytes may go in a utf8-quoted string (RFC 6855 §3): valid UTF-8 without NUL, CR, LF.</summary>
    public static bool CanBeUtf8Quoted(ReadOnlySpan<byte> text) =>
        text.IndexOfAny((byte)0, (byte)'\r', (byte)'\n') < 0 && System.Text.Unicode.Utf8.IsValid(text);

    /// <summary>True when the bytes may go in a quoted string (7-bit TEXT-CHAR: no NUL, CR, LF).</summary>
    public static bool CanBeQuoted(ReadOnlySpan<byte> text)
    {
        foreach (byte b in text)
            if (b is 0 or (byte)'\r' or (byte)'\n' or >= 0x80) return false;
        return true;
    }
}
