namespace ePost.Mail.Smtp.Commands;

/// <summary>EHLO or HELO with the client's domain or address literal.</summary>
/// <param name="Domain">What the client calls itself (recorded in the Received header, never trusted).</param>
/// <param name="Extended">True for EHLO (list extensions), false for HELO.</param>
public sealed record HelloCommand(string Domain, bool Extended) : SmtpCommand(Extended ? "EHLO" : "HELO")
{
    private const int MaxDomainLength = 255;

    /// <summary>Parses the argument of EHLO/HELO.</summary>
    public static SmtpCommand Parse(string args, bool extended)
    {
        var verb = extended ? "EHLO" : "HELO";
        var domain = args.Trim();
        if (domain.Length == 0) return new InvalidCommand(verb, $"501 5.5.4 {verb} requires a domain or address literal");
        if (domain.Length > MaxDomainLength || domain.Any(c => c <= ' ' || c == 0x7f))
            return InvalidCommand.Syntax(verb, "invalid domain");
        return new HelloCommand(domain, extended);
    }
}
