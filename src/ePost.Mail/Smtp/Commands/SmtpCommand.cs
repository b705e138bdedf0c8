namespace ePost.Mail.Smtp.Commands;

/// <summary>A parsed SMTP command; one record per verb, each parsing its own arguments.</summary>
public abstract record SmtpCommand(string Verb);

/// <summary>A verb this server does not know (500).</summary>
public sealed record UnknownCommand(string Verb) : SmtpCommand(Verb);

/// <summary>A known verb with unusable arguments; <paramref name="Reply"/> is the exact error reply.</summary>
public sealed record InvalidCommand(string Verb, string Reply) : SmtpCommand(Verb)
{
    /// <summary>501: the arguments do not parse.</summary>
    public static InvalidCommand Syntax(string verb, string detail) => new(verb, $"501 5.5.4 Syntax error: {detail}");
}
