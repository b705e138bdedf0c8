namespace ePost.Mail.Pop3;

/// <summary>A POP3 command line split into its keyword (upper case) and arguments (RFC 1939 §3).</summary>
public sealed record Pop3Command(string Keyword, IReadOnlyList<string> Arguments)
{
    private const int MaxKeyword = 8;

    /// <summary>Parses a command line; never throws.</summary>
    public static Pop3Command Parse(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) return new Pop3Command("", []);
        var keyword = parts[0].ToUpperInvariant();
        return new Pop3Command(keyword.Length > MaxKeyword ? keyword[..MaxKeyword] : keyword, parts[1..]);
    }

    /// <summary>The argument at <paramref name="index"/> as a message number or line count (digits only, no sign).</summary>
    public bool TryNumber(int index, out int value)
    {
        value = 0;
        return index < Arguments.Count && Arguments[index].All(char.IsAsciiDigit) && int.TryParse(Arguments[index], out value);
    }
}
