namespace ePost.Mail.Smtp.Commands;

/// <summary>DATA: start of the message text.</summary>
public sealed record DataCommand() : SmtpCommand("DATA");

/// <summary>RSET: abort the mail transaction.</summary>
public sealed record RsetCommand() : SmtpCommand("RSET");

/// <summary>NOOP: do nothing, reply 250 (arguments are ignored, RFC 5321 §4.1.1.9).</summary>
public sealed record NoopCommand() : SmtpCommand("NOOP");

/// <summary>QUIT: reply 221 and close.</summary>
public sealed record QuitCommand() : SmtpCommand("QUIT");

/// <summary>VRFY: answered 252 without revealing whether the user exists.</summary>
public sealed record VrfyCommand(string Argument) : SmtpCommand("VRFY");

/// <summary>HELP: list the supported commands.</summary>
public sealed record HelpCommand() : SmtpCommand("HELP");

/// <summary>STARTTLS (RFC 3207): takes no arguments.</summary>
public sealed record StartTlsCommand() : SmtpCommand("STARTTLS");

/// <summary>Parsing of the argument-less commands.</summary>
internal static class SimpleCommands
{
    /// <summary>The command, or a 501 when arguments were given to a verb that takes none.</summary>
    public static SmtpCommand NoArguments(SmtpCommand command, string args) =>
        args.Length == 0 ? command : InvalidCommand.Syntax(command.Verb, $"{command.Verb} takes no arguments");
}
