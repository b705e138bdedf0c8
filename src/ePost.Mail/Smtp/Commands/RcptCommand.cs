using ePost.Mail.Dsn;

namespace ePost.Mail.Smtp.Commands;

/// <summary>RCPT TO:&lt;forward-path&gt; with the DSN parameters of RFC 3461 (NOTIFY=, ORCPT=).</summary>
/// <param name="Recipient">The address.</param>
/// <param name="Dsn">What the sender asked to be told about this recipient.</param>
public sealed record RcptCommand(string Recipient, RecipientDsn Dsn) : SmtpCommand("RCPT")
{
    /// <summary>Parses the arguments of RCPT.</summary>
    public static SmtpCommand Parse(string args)
    {
        if (!args.StartsWith("TO:", StringComparison.OrdinalIgnoreCase)) return InvalidCommand.Syntax("RCPT", "RCPT TO:<address>");
        var rest = args[3..].TrimStart(' ');
        if (!MailPath.TryParse(rest, allowNull: false, out var recipient, out var length, out var error))
            return new InvalidCommand("RCPT", $"501 5.1.3 Bad recipient address syntax: {error}");
        DsnNotify? notify = null;
        string? original = null;
        foreach (var parameter in rest[length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = parameter.IndexOf('=');
            var key = (eq < 0 ? parameter : parameter[..eq]).ToUpperInvariant();
            var value = eq < 0 ? null : parameter[(eq + 1)..];
            switch (key)
            {
                case "NOTIFY":
                    if (notify is not null) return InvalidCommand.Syntax("RCPT", "NOTIFY given twice");
                    if (!DsnParameters.TryParseNotify(value, out var flags, out var badNotify)) return new InvalidCommand("RCPT", badNotify);
                    notify = flags;
                    break;
                case "ORCPT":
                    if (original is not null) return InvalidCommand.Syntax("RCPT", "ORCPT given twice");
                    if (!DsnParameters.TryParseOriginalRecipient(value, out var decoded, out var badOriginal)) return new InvalidCommand("RCPT", badOriginal);
                    original = decoded;
                    break;
                default:
                    return new InvalidCommand("RCPT", $"555 5.5.4 Unsupported RCPT parameter {(parameter.Length > 64 ? parameter[..64] : parameter)}");
            }
        }
        return new RcptCommand(recipient, notify is null && original is null ? RecipientDsn.Default : new RecipientDsn(notify, original));
    }
}
