using System.Text;
using ePost.Mail.Imap.Commands;
using ePost.Mail.Imap.Protocol;

namespace ePost.Mail.Tests.Imap.Commands;

/// <summary>Frames raw client input with the real reader, then parses it, as a session would.</summary>
public abstract class ParserTestBase
{
    protected static ImapParseResult ParseWire(string wire, ImapLimits? limits = null)
    {
        var reader = new ImapCommandReader(limits);
        reader.Append(Encoding.UTF8.GetBytes(wire));
        while (reader.TryRead(out var e))
        {
            if (e is ImapCommandFramed framed) return new ImapCommandParser(limits).Parse(framed.Frame);
            if (e is ImapCommandRejected rejected) return new ImapParseResult(null, rejected);
        }
        throw new InvalidOperationException("input did not complete a command");
    }

    protected static T Parse<T>(string line) where T : ImapCommand
    {
        var result = ParseWire(line + "\r\n");
        Assert.True(result.IsSuccess, result.Error?.Text);
        return Assert.IsType<T>(result.Command);
    }

    protected static ImapCommandRejected Bad(string line, ImapStatus status = ImapStatus.Bad)
    {
        var result = ParseWire(line + "\r\n");
        Assert.False(result.IsSuccess, $"'{line}' parsed as {result.Command}");
        Assert.Equal(status, result.Error!.Status);
        return result.Error;
    }
}
