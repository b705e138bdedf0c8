namespace ePost.Mail.Smtp.Commands;

/// <summary>RCPT TO:&lt;forward-path&gt; (no parameters: DSN is not offered).</summary>
public sealed record RcptCommand(string Recipient) : SmtpCommand("RCPT")
{
    /// <summary>Parses the arguments of RCPT.</summary>
    public static SmtpCommand Parse(string args)
    {
        if (!args.StartsWith("TO:", StringComparison.OrdinalIgnoreCase)) return InvalidCommand.Syntax("RCPT", "RCPT TO:<address>");
        var rest = args[3..].TrimStart(' ');
        if (!MailPath.TryParse(rest, allowNull: false, out var recipient, out var length, out var error))
            return new InvalidCommand("RCPT", $"501 5.1.3 Bad recipient address syntax: {error}");
        var parameters = rest[length..].Trim();
        if (parameters.Length > 0) return new InvalidCommand("RCPT", $"555 5.5.4 Unsupported RCPT parameter {parameters.Split(' ')[0]}");
        return new RcptCommand(recipient);
    }
}
