using System.Text;

namespace ePost.Mail.Imap.Protocol;

/// <summary>
/// Reads RFC 3501 tokens (atoms, quoted strings, literals, numbers, lists) from a framed command.
/// Literals are recognised where a line ends with its announcement; the cursor then continues on the next line.
/// </summary>
internal sealed class ImapTokenCursor(ImapCommandFrame frame)
{
    private int _lineIndex;
    private int _pos;

    private byte[] Line => frame.Lines[_lineIndex];

    /// <summary>UTF8=ACCEPT is enabled (RFC 6855): mailbox names are UTF-8 as sent, never modified UTF-7.</summary>
    public bool Utf8Accept { get; init; }

    /// <summary>True at the end of the last line.</summary>
    public bool AtEnd => _lineIndex == frame.Lines.Count - 1 && _pos >= Line.Length;

    /// <summary>The next byte, or -1 at the end of a line.</summary>
    public int Peek() => _pos < Line.Length ? Line[_pos] : -1;

    /// <summary>True when the bytes ahead on this line start with <paramref name="ascii"/> (case-insensitive); nothing is consumed.</summary>
    public bool LooksAt(string ascii)
    {
        if (Line.Length - _pos < ascii.Length) return false;
        for (int i = 0; i < ascii.Length; i++)
            if (char.ToUpperInvariant((char)Line[_pos + i]) != char.ToUpperInvariant(ascii[i])) return false;
        return true;
    }

    /// <summary>Builds the exception for a syntax error at the current position.</summary>
    public ImapParseException Error(string text) => new(text);

    public bool TryConsume(char c)
    {
        if (Peek() != c) return false;
        _pos++;
        return true;
    }

    public void Expect(char c)
    {
        if (!TryConsume(c)) throw Error(Peek() < 0 ? $"Expected '{c}' but the command ended" : $"Expected '{c}'");
    }

    public void Space() => Expect(' ');

    public bool TrySpace() => TryConsume(' ');

    /// <summary>Succeeds when the whole command has been consumed.</summary>
    public void End()
    {
        if (!AtEnd) throw Error("Unexpected characters at end of command");
    }

    /// <summary>Reads bytes while the predicate holds (on the current line only).</summary>
    public string ReadWhile(Func<byte, bool> accept)
    {
        int start = _pos;
        while (_pos < Line.Length && accept(Line[_pos])) _pos++;
        return Encoding.UTF8.GetString(Line, start, _pos - start);
    }

    /// <summary>An atom (one or more ATOM-CHARs).</summary>
    public string Atom()
    {
        var atom = ReadWhile(ImapCharClass.IsAtomChar);
        if (atom.Length == 0) throw Error(Peek() < 0 ? "Missing argument" : "Expected an atom");
        return atom;
    }

    /// <summary>An atom, upper-cased (command names, keywords).</summary>
    public string Keyword() => Atom().ToUpperInvariant();

    /// <summary>Consumes <paramref name="keyword"/> (case-insensitive) when it is the next whole atom.</summary>
    public bool TryKeyword(string keyword)
    {
        int end = _pos;
        while (end < Line.Length && ImapCharClass.IsAtomChar(Line[end]) && Line[end] != '[') end++;
        if (end - _pos != keyword.Length) return false;
        for (int i = 0; i < keyword.Length; i++)
            if (char.ToUpperInvariant((char)Line[_pos + i]) != keyword[i]) return false;
        _pos = end;
        return true;
    }

    /// <summary>An atom that stops before "[" (fetch attribute names such as BODY.PEEK[...]).</summary>
    public string AttributeName()
    {
        var name = ReadWhile(b => ImapCharClass.IsAtomChar(b) && b != (byte)'[');
        if (name.Length == 0) throw Error("Expected a fetch attribute");
        return name.ToUpperInvariant();
    }

    /// <summary>True when the cursor sits on a literal announcement that ends this line.</summary>
    private bool AtLiteral =>
        Peek() == '{' && _lineIndex < frame.Literals.Count
        && Line.AsSpan(_pos).LastIndexOf((byte)'{') == 0
        && LiteralAnnouncement.Parse(Line.AsSpan(_pos)).Size >= 0;

    /// <summary>string = quoted / literal, as raw bytes.</summary>
    public byte[] StringBytes()
    {
        if (Peek() == '"') return QuotedBytes();
        if (AtLiteral)
        {
            var literal = frame.Literals[_lineIndex];
            _lineIndex++;
            _pos = 0;
            return literal;
        }
        throw Error(Peek() == '{' ? "Literal announced but not at end of line" : "Expected a quoted string or literal");
    }

    /// <summary>string = quoted / literal, decoded as UTF-8.</summary>
    public string String() => Decode(StringBytes());

    /// <summary>astring = 1*ASTRING-CHAR / string.</summary>
    public string AString()
    {
        if (Peek() is '"' or '{') return String();
        var atom = ReadWhile(ImapCharClass.IsAStringChar);
        if (atom.Length == 0) throw Error(Peek() < 0 ? "Missing argument" : "Expected an atom or string");
        return atom;
    }

    /// <summary>nstring = string / NIL.</summary>
    public string? NString()
    {
        if (Peek() is '"' or '{') return String();
        if (Keyword() == "NIL") return null;
        throw Error("Expected a string or NIL");
    }

    /// <summary>list-mailbox = 1*list-char / string.</summary>
    public string ListMailbox()
    {
        if (Peek() is '"' or '{') return String();
        var text = ReadWhile(ImapCharClass.IsListChar);
        if (text.Length == 0) throw Error("Expected a mailbox pattern");
        return text;
    }

    /// <summary>number: 1*DIGIT fitting in 32 bits.</summary>
    public uint Number()
    {
        ulong value = Number64();
        if (value > uint.MaxValue) throw Error("Number out of range");
        return (uint)value;
    }

    /// <summary>nz-number: a number that is not zero.</summary>
    public uint NzNumber()
    {
        uint value = Number();
        if (value == 0) throw Error("Zero is not a valid number here");
        return value;
    }

    /// <summary>A 63-bit number (mod-sequence values).</summary>
    public ulong Number64()
    {
        var digits = ReadWhile(b => b is >= (byte)'0' and <= (byte)'9');
        if (digits.Length == 0) throw Error("Expected a number");
        if (digits.Length > 19 || !ulong.TryParse(digits, out ulong value) || value > long.MaxValue)
            throw Error("Number out of range");
        return value;
    }

    /// <summary>"(" item *(SP item) ")" — or "()" when <paramref name="allowEmpty"/>.</summary>
    public List<T> ParenList<T>(Func<T> item, bool allowEmpty = true)
    {
        Expect('(');
        var items = new List<T>();
        if (TryConsume(')'))
        {
            if (!allowEmpty) throw Error("Empty list not allowed");
            return items;
        }
        do items.Add(item()); while (TrySpace());
        Expect(')');
        return items;
    }

    /// <summary>A flag: "\" atom (system or \*) or a keyword atom.</summary>
    public string Flag()
    {
        if (TryConsume('\\'))
        {
            if (TryConsume('*')) return "\\*";
            return "\\" + Atom();
        }
        return Atom();
    }

    private byte[] QuotedBytes()
    {
        Expect('"');
        var bytes = new List<byte>();
        while (true)
        {
            int b = Peek();
            if (b < 0) throw Error("Unterminated quoted string");
            _pos++;
            if (b == '"') return [.. bytes];
            if (b == '\\')
            {
                int escaped = Peek();
                if (escaped is not ('"' or '\\')) throw Error("Invalid escape in quoted string");
                _pos++;
                bytes.Add((byte)escaped);
            }
            else bytes.Add((byte)b);
        }
    }

    private string Decode(byte[] bytes)
    {
        try
        {
            return new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Error("String is not valid UTF-8");
        }
    }
}
