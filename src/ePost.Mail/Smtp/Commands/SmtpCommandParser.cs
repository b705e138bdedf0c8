namespace ePost.Mail.Smtp.Commands;

/// <summary>Turns one command line (without CR LF) into a command record. Pure; never throws on input.</summary>
public static class SmtpCommandParser
{
    /// <summary>Parses a command line.</summary>
    public static SmtpCommand Parse(string line)
    {
        var space = line.IndexOf(' ');
        var verb = (space < 0 ? line : line[..space]).ToUpperInvariant();
        var args = space < 0 ? "" : line[(space + 1)..];
        return verb switch
        {
            "EHLO" => HelloCommand.Parse(args, extended: true),
            "HELO" => HelloCommand.Parse(args, extended: false),
            "MAIL" => MailCommand.Parse(args),
            "RCPT" => RcptCommand.Parse(args),
            "DATA" => SimpleCommands.NoArguments(new DataCommand(), args),
            "BDAT" => BdatCommand.Parse(args),
            "RSET" => SimpleCommands.NoArguments(new RsetCommand(), args),
            "NOOP" => new NoopCommand(),
            "QUIT" => SimpleCommands.NoArguments(new QuitCommand(), args),
            "VRFY" => new VrfyCommand(args),
            "HELP" => new HelpCommand(),
            "STARTTLS" => SimpleCommands.NoArguments(new StartTlsCommand(), args),
            "AUTH" => AuthCommand.Parse(args),
            _ => new UnknownCommand(verb.Length > 16 ? verb[..16] : verb),
        };
    }
}
