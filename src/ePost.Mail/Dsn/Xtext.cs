using System.Text;

namespace ePost.Mail.Dsn;

/// <summary>
/// The xtext encoding of RFC 3461 §4: printable ASCII except '+' and '=' stands for itself, anything else is '+'
/// and two hex digits. ENVID and ORCPT travel in it.
/// </summary>
public static class Xtext
{
    /// <summary>
    /// Decodes <paramref name="text"/>. Hex digits are accepted in either case (RFC 3461 asks for upper case; a lower-case
    /// one is unambiguous). The decoded text must be printable ASCII: it ends up in DSN header fields, where a control
    /// character (CR, LF) would let a client write fields of its own.
    /// </summary>
    public static bool TryDecode(string text, out string decoded, out string error)
    {
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '+')
            {
                if (i + 2 >= text.Length || !char.IsAsciiHexDigit(text[i + 1]) || !char.IsAsciiHexDigit(text[i + 2]))
                    return Fail("'+' must be followed by two hex digits", out decoded, out error);
                var value = Convert.ToByte(text.Substring(i + 1, 2), 16);
                if (value is < 0x20 or >= 0x7f) return Fail($"+{value:X2} is not a printable character", out decoded, out error);
                result.Append((char)value);
                i += 2;
            }
            else if (c is > ' ' and < (char)0x7f and not '=') result.Append(c);
            else return Fail($"character '{(c < ' ' || c >= 0x7f ? $"\\x{(int)c:x2}" : c.ToString())}' is not allowed in xtext", out decoded, out error);
        }
        decoded = result.ToString();
        error = "";
        return true;
    }

    /// <summary>Encodes printable ASCII <paramref name="text"/> as xtext (for passing ENVID and ORCPT on to a relay).</summary>
    public static string Encode(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is > ' ' and < (char)0x7f and not '+' and not '=') result.Append(c);
            else result.Append('+').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return result.ToString();
    }

    private static bool Fail(string message, out string decoded, out string error)
    {
        decoded = "";
        error = message;
        return false;
    }
}
