using ePost.Mail.Dsn;

namespace ePost.Mail.Smtp.Commands;

/// <summary>MAIL FROM:&lt;reverse-path&gt; with the ESMTP parameters this server offers.</summary>
/// <param name="Sender">The address, or empty for the null reverse path &lt;&gt;.</param>
/// <param name="DeclaredSize">SIZE= (RFC 1870), when given.</param>
/// <param name="SmtpUtf8">SMTPUTF8 (RFC 6531) was given: addresses and headers may be UTF-8.</param>
public sealed record MailCommand(string Sender, long? DeclaredSize, bool SmtpUtf8) : SmtpCommand("MAIL")
{
    /// <summary>REQUIRETLS (RFC 8689) was given: the message may only travel over verified TLS.</summary>
    public bool RequireTls { get; init; }

    /// <summary>RET= (RFC 3461 §4.3): how much of the message a failure report returns.</summary>
    public DsnReturn Return { get; init; }

    /// <summary>ENVID= (RFC 3461 §4.4), decoded from xtext, or null.</summary>
    public string? EnvelopeId { get; init; }

    /// <summary>Parses the arguments of MAIL.</summary>
    public static SmtpCommand Parse(string args)
    {
        if (!args.StartsWith("FROM:", StringComparison.OrdinalIgnoreCase)) return InvalidCommand.Syntax("MAIL", "MAIL FROM:<address>");
        var rest = args[5..].TrimStart(' ');
        if (!MailPath.TryParse(rest, allowNull: true, out var sender, out var length, out var error))
            return new InvalidCommand("MAIL", $"501 5.1.7 Bad sender address syntax: {error}");
        long? size = null;
        var utf8 = false;
        var requireTls = false;
        var ret = DsnReturn.Unspecified;
        string? envelopeId = null;
        foreach (var parameter in rest[length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = parameter.IndexOf('=');
            var key = (eq < 0 ? parameter : parameter[..eq]).ToUpperInvariant();
            var value = eq < 0 ? null : parameter[(eq + 1)..];
            switch (key)
            {
                case "SIZE" when value is not null && long.TryParse(value, System.Globalization.NumberStyles.None, null, out var n):
                    size = n;
                    break;
                case "BODY" when value is not null && (value.Equals("7BIT", StringComparison.OrdinalIgnoreCase) || value.Equals("8BITMIME", StringComparison.OrdinalIgnoreCase)):
                    break;
                case "SMTPUTF8" when value is null:
                    utf8 = true;
                    break;
                case "REQUIRETLS" when value is null:
                    requireTls = true;
                    break;
                case "RET":
                    if (ret != DsnReturn.Unspecified) return Twice("RET");
                    if (!DsnParameters.TryParseReturn(value, out ret, out var badReturn)) return new InvalidCommand("MAIL", badReturn);
                    break;
                case "ENVID":
                    if (envelopeId is not null) return Twice("ENVID");
                    if (!DsnParameters.TryParseEnvelopeId(value, out var id, out var badId)) return new InvalidCommand("MAIL", badId);
                    envelopeId = id;
                    break;
                case "AUTH" when value is not null:
                    // RFC 4954 §5: a trusted-relay hint; this server never relays on a client's word, so it is ignored.
                    break;
                default:
                    return new InvalidCommand("MAIL", $"555 5.5.4 Unsupported MAIL parameter {parameter}");
            }
        }
        return new MailCommand(sender, size, utf8) { RequireTls = requireTls, Return = ret, EnvelopeId = envelopeId };
    }

    private static InvalidCommand Twice(string keyword) => InvalidCommand.Syntax("MAIL", $"{keyword} given twice");
}
