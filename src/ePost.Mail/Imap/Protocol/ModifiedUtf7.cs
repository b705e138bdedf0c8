using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace ePost.Mail.Imap.Protocol;

/// <summary>IMAP mailbox-name encoding (RFC 3501 §5.1.3): printable ASCII as itself, the rest as modified BASE64.</summary>
/// <remarks>
/// Decoding is strict so that one name has one spelling: ASCII that could stand for itself, empty or adjacent
/// shifted sections, non-zero padding bits and broken surrogate pairs are all rejected.
/// </remarks>
public static class ModifiedUtf7
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

    /// <summary>Encodes a Unicode mailbox name.</summary>
    public static string Encode(string name)
    {
        var output = new StringBuilder(name.Length + 8);
        int i = 0;
        while (i < name.Length)
        {
            char c = name[i];
            if (c == '&')
            {
                output.Append("&-");
                i++;
            }
            else if (c is >= ' ' and <= '~')
            {
                output.Append(c);
                i++;
            }
            else
            {
                int start = i;
                while (i < name.Length && name[i] is < ' ' or > '~') i++;
                output.Append('&');
                AppendBase64(output, name.AsSpan(start, i - start));
                output.Append('-');
            }
        }
        return output.ToString();
    }

    /// <summary>Decodes an encoded mailbox name; throws <see cref="FormatException"/> when it is not canonical.</summary>
    public static string Decode(string encoded) =>
        TryDecode(encoded, out var name, out var error) ? name : throw new FormatException(error);

    /// <summary>Decodes an encoded mailbox name, or explains why it is invalid.</summary>
    public static bool TryDecode(string encoded, [NotNullWhen(true)] out string? name, [NotNullWhen(false)] out string? error)
    {
        var output = new StringBuilder(encoded.Length);
        name = null;
        bool previousWasShifted = false;
        int i = 0;
        while (i < encoded.Length)
        {
            char c = encoded[i];
            if (c is < ' ' or > '~')
            {
                error = $"Character U+{(int)c:X4} must be encoded";
                return false;
            }
            if (c != '&')
            {
                output.Append(c);
                previousWasShifted = false;
                i++;
                continue;
            }
            int dash = encoded.IndexOf('-', i + 1);
            if (dash < 0)
            {
                error = "Unterminated '&' section";
                return false;
            }
            if (dash == i + 1)
            {
                output.Append('&');
                previousWasShifted = false;
                i += 2;
                continue;
            }
            if (previousWasShifted)
            {
                error = "Adjacent encoded sections must be merged";
                return false;
            }
            if (!TryDecodeSection(encoded.AsSpan(i + 1, dash - i - 1), output, out error)) return false;
            previousWasShifted = true;
            i = dash + 1;
        }
        name = output.ToString();
        error = null;
        return true;
    }

    private static void AppendBase64(StringBuilder output, ReadOnlySpan<char> text)
    {
        int bits = 0, buffer = 0;
        foreach (char ch in text)
        {
            buffer = (buffer << 16) | ch;
            bits += 16;
            while (bits >= 6)
            {
                bits -= 6;
                output.Append(Alphabet[(buffer >> bits) & 0x3f]);
            }
            buffer &= (1 << bits) - 1;
        }
        if (bits > 0) output.Append(Alphabet[(buffer << (6 - bits)) & 0x3f]);
    }

    private static bool TryDecodeSection(ReadOnlySpan<char> section, StringBuilder output, [NotNullWhen(false)] out string? error)
    {
        int bits = 0, buffer = 0;
        var units = new List<char>();
        foreach (char c in section)
        {
            int value = Alphabet.IndexOf(c);
            if (value < 0)
            {
                error = $"Invalid modified BASE64 character '{c}'";
                return false;
            }
            buffer = (buffer << 6) | value;
            bits += 6;
            if (bits >= 16)
            {
                bits -= 16;
                units.Add((char)((buffer >> bits) & 0xffff));
                buffer &= (1 << bits) - 1;
            }
        }
        if (bits >= 6 || buffer != 0 || units.Count == 0)
        {
            error = "Encoded section has a partial character or non-zero padding";
            return false;
        }
        for (int k = 0; k < units.Count; k++)
        {
            char u = units[k];
            if (u is >= ' ' and <= '~')
            {
                error = "Printable ASCII must not be encoded";
                return false;
            }
            if (char.IsHighSurrogate(u) && (k + 1 >= units.Count || !char.IsLowSurrogate(units[k + 1]))
                || char.IsLowSurrogate(u) && (k == 0 || !char.IsHighSurrogate(units[k - 1])))
            {
                error = "Broken UTF-16 surrogate pair";
                return false;
            }
            output.Append(u);
        }
        error = null;
        return true;
    }
}
