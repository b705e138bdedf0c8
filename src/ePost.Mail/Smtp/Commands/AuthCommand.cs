namespace ePost.Mail.Smtp.Commands;

/// <summary>AUTH mechanism [initial-response] (RFC 4954).</summary>
/// <param name="Mechanism">SASL mechanism name, upper case.</param>
/// <param name="InitialResponse">Base64 initial response, "=" for an empty one, or null when absent.</param>
public sealed record AuthCommand(string Mechanism, string? InitialResponse) : SmtpCommand("AUTH")
{
    /// <summary>Parses the arguments of AUTH.</summary>
    public static SmtpCommand Parse(string args)
    {
        var parts = args.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length switch
        {
            1 => new AuthCommand(parts[0].ToUpperInvariant(), null),
            2 => new AuthCommand(parts[0].ToUpperInvariant(), parts[1]),
            _ => InvalidCommand.Syntax("AUTH", "AUTH mechanism [initial-response]"),
        };
    }
}
