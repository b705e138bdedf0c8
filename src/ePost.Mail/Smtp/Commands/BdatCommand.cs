using System.Globalization;

namespace ePost.Mail.Smtp.Commands;

/// <summary>BDAT chunk-size [LAST] (RFC 3030 CHUNKING): exactly <paramref name="Size"/> octets of message follow the line.</summary>
/// <param name="Size">Octets of message data that follow the command line.</param>
/// <param name="Last">This chunk ends the message.</param>
public sealed record BdatCommand(long Size, bool Last) : SmtpCommand("BDAT")
{
    /// <summary>Parses the arguments of BDAT; a size that does not parse leaves the chunk's end unknown.</summary>
    public static SmtpCommand Parse(string args)
    {
        var parts = args.Split(' ');
        // 18 digits: any larger chunk is refused by size anyway, and the number always fits a long.
        if (parts.Length is < 1 or > 2 || parts[0].Length is 0 or > 18 || !parts[0].All(char.IsAsciiDigit)
            || (parts.Length == 2 && !parts[1].Equals("LAST", StringComparison.OrdinalIgnoreCase)))
            return InvalidCommand.Syntax("BDAT", "BDAT <chunk-size> [LAST]");
        return new BdatCommand(long.Parse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture), parts.Length == 2);
    }
}
