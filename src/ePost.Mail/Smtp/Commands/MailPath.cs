namespace ePost.Mail.Smtp.Commands;

/// <summary>
/// The &lt;path&gt; of MAIL and RCPT (RFC 5321 §4.1.2): an optional source route (ignored, §C), a local part (dot-string
/// or quoted string) and a domain (name or address literal). Non-ASCII is allowed here; SMTPUTF8 is checked by the session.
/// </summary>
public static class MailPath
{
    private const int MaxPath = 256;
    private const int MaxLocalPart = 64;
    private const int MaxDomain = 255;
    private const string AtomSpecials = "!#$%&'*+-/=?^_`{|}~";

    /// <summary>Parses a path at the start of <paramref name="text"/>; <paramref name="length"/> is the characters it used.</summary>
    public static bool TryParse(string text, bool allowNull, out string address, out int length, out string error)
    {
        address = "";
        length = 0;
        if (!text.StartsWith('<')) return Fail("address must be enclosed in <>", out error);
        var close = FindClose(text);
        if (close < 0) return Fail("missing >", out error);
        length = close + 1;
        var inner = text[1..close];
        if (inner.Length > MaxPath) return Fail("path too long", out error);
        if (inner.Length == 0)
        {
            error = "";
            return allowNull || Fail("null address not allowed here", out error);
        }
        if (inner.StartsWith('@'))
        {
            var colon = inner.IndexOf(':');
            if (colon < 0) return Fail("bad source route", out error);
            inner = inner[(colon + 1)..];
        }
        var at = inner.LastIndexOf('@');
        if (at <= 0 || at == inner.Length - 1) return Fail("address must be local-part@domain", out error);
        var local = inner[..at];
        var domain = inner[(at + 1)..];
        if (local.Length > MaxLocalPart || !IsLocalPart(local)) return Fail("bad local part", out error);
        if (domain.Length > MaxDomain || !IsDomain(domain)) return Fail("bad domain", out error);
        address = inner;
        error = "";
        return true;
    }

    /// <summary>True when the address has characters outside ASCII (needs SMTPUTF8).</summary>
    public static bool IsInternational(string address) => address.Any(c => c > 0x7f);

    private static int FindClose(string text)
    {
        var quoted = false;
        for (var i = 1; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted && c == '\\') i++;
            else if (c == '"') quoted = !quoted;
            else if (c == '>' && !quoted) return i;
        }
        return -1;
    }

    private static bool IsLocalPart(string local)
    {
        if (local.Length >= 2 && local[0] == '"' && local[^1] == '"')
            return local[1..^1].All(c => c >= ' ' && c != 0x7f);
        return local.Split('.').All(atom => atom.Length > 0 && atom.All(c => char.IsAsciiLetterOrDigit(c) || AtomSpecials.Contains(c) || c > 0x7f));
    }

    private static bool IsDomain(string domain)
    {
        if (domain.StartsWith('[')) return domain.EndsWith(']') && domain.Length > 2 && domain[1..^1].All(c => c > ' ' && c < 0x7f && c is not '[' and not ']' and not '\\');
        return domain.Split('.').All(label => label.Length is > 0 and <= 63
            && label[0] != '-' && label[^1] != '-'
            && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-' || c > 0x7f));
    }

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }
}
