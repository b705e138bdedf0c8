namespace ePost.Mail.Dsn;

/// <summary>
/// Parses the ESMTP parameters of RFC 3461 (MAIL RET= and ENVID=, RCPT NOTIFY= and ORCPT=). Pure; a bad value gets
/// a 501 reply naming what is wrong, never an exception.
/// </summary>
public static class DsnParameters
{
    /// <summary>Longest ENVID after xtext decoding (RFC 3461 §4.4).</summary>
    public const int MaxEnvelopeId = 100;

    /// <summary>Longest ORCPT value as sent, xtext and all (RFC 3461 §4.2).</summary>
    public const int MaxOriginalRecipient = 500;

    /// <summary>Parses RET=HDRS or RET=FULL.</summary>
    public static bool TryParseReturn(string? value, out DsnReturn result, out string reply)
    {
        result = DsnReturn.Unspecified;
        reply = "";
        if (string.Equals(value, "HDRS", StringComparison.OrdinalIgnoreCase)) result = DsnReturn.Headers;
        else if (string.Equals(value, "FULL", StringComparison.OrdinalIgnoreCase)) result = DsnReturn.Full;
        else reply = "501 5.5.4 Syntax error: RET must be HDRS or FULL";
        return reply.Length == 0;
    }

    /// <summary>Parses ENVID=xtext (printable ASCII, at most <see cref="MaxEnvelopeId"/> characters once decoded).</summary>
    public static bool TryParseEnvelopeId(string? value, out string envelopeId, out string reply)
    {
        envelopeId = "";
        reply = "";
        if (string.IsNullOrEmpty(value)) reply = "501 5.5.4 Syntax error: ENVID needs a value";
        else if (value.Length > 3 * MaxEnvelopeId || !Xtext.TryDecode(value, out envelopeId, out var error)) reply = $"501 5.5.4 Syntax error: bad ENVID: {(value.Length > 3 * MaxEnvelopeId ? "too long" : Why(value))}";
        else if (envelopeId.Length > MaxEnvelopeId) reply = $"501 5.5.4 Syntax error: ENVID longer than {MaxEnvelopeId} characters";
        return reply.Length == 0;
    }

    /// <summary>Parses NOTIFY=NEVER or a comma-separated list of SUCCESS, FAILURE and DELAY.</summary>
    public static bool TryParseNotify(string? value, out DsnNotify notify, out string reply)
    {
        notify = DsnNotify.Never;
        reply = "";
        if (string.IsNullOrEmpty(value))
        {
            reply = "501 5.5.4 Syntax error: NOTIFY needs a value";
            return false;
        }
        if (string.Equals(value, "NEVER", StringComparison.OrdinalIgnoreCase)) return true;
        foreach (var item in value.Split(','))
        {
            DsnNotify flag;
            if (string.Equals(item, "SUCCESS", StringComparison.OrdinalIgnoreCase)) flag = DsnNotify.Success;
            else if (string.Equals(item, "FAILURE", StringComparison.OrdinalIgnoreCase)) flag = DsnNotify.Failure;
            else if (string.Equals(item, "DELAY", StringComparison.OrdinalIgnoreCase)) flag = DsnNotify.Delay;
            else
            {
                // NEVER is only allowed alone (RFC 3461 §4.1).
                reply = "501 5.5.4 Syntax error: NOTIFY must be NEVER or a list of SUCCESS, FAILURE, DELAY";
                return false;
            }
            if (notify.HasFlag(flag))
            {
                reply = $"501 5.5.4 Syntax error: NOTIFY lists {item.ToUpperInvariant()} twice";
                return false;
            }
            notify |= flag;
        }
        return true;
    }

    /// <summary>Parses ORCPT=addr-type;xtext; returns "addr-type;decoded address".</summary>
    public static bool TryParseOriginalRecipient(string? value, out string original, out string reply)
    {
        original = "";
        reply = "";
        var semicolon = value?.IndexOf(';') ?? -1;
        if (string.IsNullOrEmpty(value) || semicolon <= 0 || semicolon == value.Length - 1)
            reply = "501 5.5.4 Syntax error: ORCPT must be addr-type;address";
        else if (value.Length > MaxOriginalRecipient) reply = $"501 5.5.4 Syntax error: ORCPT longer than {MaxOriginalRecipient} characters";
        else if (!value[..semicolon].All(c => char.IsAsciiLetterOrDigit(c) || c == '-')) reply = "501 5.5.4 Syntax error: bad ORCPT address type";
        else if (!Xtext.TryDecode(value[(semicolon + 1)..], out var address, out _)) reply = $"501 5.5.4 Syntax error: bad ORCPT address: {Why(value[(semicolon + 1)..])}";
        else original = value[..semicolon] + ";" + address;
        return reply.Length == 0;
    }

    private static string Why(string xtext) => Xtext.TryDecode(xtext, out _, out var error) ? "" : error;
}
