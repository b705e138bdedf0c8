using System.Text;

namespace ePost.Mail.Imap.Mailbox;

/// <summary>
/// A LIST/LSUB pattern (RFC 3501 §6.3.8): "*" matches anything, "%" anything but the hierarchy delimiter,
/// INBOX is matched case-insensitively.
/// </summary>
/// <remarks>
/// Matching simulates the pattern as an automaton, so its cost is O(name × pattern) with no backtracking; runs of
/// wildcards collapse and a pattern needing more literal characters than the name has fails at once, so a
/// hostile "%*%*%*..." pattern cannot make LIST expensive.
/// </remarks>
public sealed class MailboxPattern
{
    private readonly string _pattern;
    private readonly char _delimiter;
    private readonly int _literalCount;

    /// <summary>Combines a LIST reference and pattern (RFC 3501: the pattern is interpreted relative to the reference).</summary>
    public MailboxPattern(string reference, string pattern, char delimiter = '/')
    {
        _delimiter = delimiter;
        string combined = reference.Length > 0 && reference[^1] == delimiter && pattern.StartsWith(delimiter)
            ? reference + pattern[1..]
            : reference + pattern;
        _pattern = NormaliseInbox(Collapse(combined), delimiter);
        _literalCount = _pattern.Count(c => c is not ('*' or '%'));
    }

    /// <summary>True when the mailbox name matches.</summary>
    public bool Matches(string name)
    {
        if (_literalCount > name.Length) return false;
        name = NormaliseInbox(name, _delimiter);
        var current = new bool[_pattern.Length + 1];
        var next = new bool[_pattern.Length + 1];
        current[0] = true;
        Close(current);
        foreach (char c in name)
        {
            Array.Clear(next);
            bool any = false;
            for (int i = 0; i < _pattern.Length; i++)
            {
                if (!current[i]) continue;
                char p = _pattern[i];
                if (p == '*' || p == '%' && c != _delimiter) next[i] = any = true;
                else if (p == c) next[i + 1] = any = true;
            }
            if (!any) return false;
            Close(next);
            (current, next) = (next, current);
        }
        return current[_pattern.Length];
    }

    /// <summary>Wildcards match the empty string: a state on a wildcard also stands after it.</summary>
    private void Close(bool[] states)
    {
        for (int i = 0; i < _pattern.Length; i++)
            if (states[i] && _pattern[i] is '*' or '%') states[i + 1] = true;
    }

    /// <summary>"**", "*%", "%*" are "*"; "%%" is "%".</summary>
    private static string Collapse(string pattern)
    {
        var output = new StringBuilder(pattern.Length);
        foreach (char c in pattern)
        {
            if (c is '*' or '%' && output.Length > 0 && output[^1] is '*' or '%')
            {
                if (c == '*') output[^1] = '*';
                continue;
            }
            output.Append(c);
        }
        return output.ToString();
    }

    /// <summary>"inbox", "Inbox/x" and so on become "INBOX", "INBOX/x".</summary>
    private static string NormaliseInbox(string text, char delimiter) =>
        text.Length >= 5 && text.StartsWith("INBOX", StringComparison.OrdinalIgnoreCase)
            && (text.Length == 5 || text[5] == delimiter)
            ? "INBOX" + text[5..]
            : text;
}
