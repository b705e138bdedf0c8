using System.Runtime.CompilerServices;
using System.Text;
using ePost.Mail.Imap.Commands;
using ePost.Mail.Imap.Protocol;

namespace ePost.Mail.Tests.Imap.Transcripts;

/// <summary>
/// Replays a recorded transcript through the real reader, parser and writer, the way a session drives them.
/// Format: "C: " client bytes (a literal "\r\n" inside the text is a CRLF; each line ends with CRLF),
/// "S: " exact server line, "P: " the command type the parser produced (harness output, not protocol).
/// </summary>
internal static class TranscriptRunner
{
    public static (string Expected, string Actual) Run(string file, ImapLimits? limits = null)
    {
        string expected = File.ReadAllText(Path.Combine(Folder(), file)).Replace("\r\n", "\n").TrimEnd('\n');
        var reader = new ImapCommandReader(limits);
        var parser = new ImapCommandParser(limits);
        var actual = new List<string>();
        foreach (string line in expected.Split('\n'))
        {
            if (!line.StartsWith("C: ", StringComparison.Ordinal)) continue;
            actual.Add(line);
            reader.Append(Encoding.UTF8.GetBytes(line[3..].Replace("\\r\\n", "\r\n") + "\r\n"));
            while (reader.TryRead(out var e)) actual.AddRange(Handle(e, reader, parser));
        }
        return (expected, string.Join('\n', actual));
    }

    private static IEnumerable<string> Handle(ImapReaderEvent e, ImapCommandReader reader, ImapCommandParser parser)
    {
        var writer = new ImapResponseWriter();
        switch (e)
        {
            case ImapContinuationNeeded c: writer.Continuation(c.Text); break;
            case ImapCommandRejected r: writer.Rejection(r); break;
            case ImapConnectionClosing bye: writer.UntaggedStatus(ImapStatus.Bye, null, bye.Text); break;
            case ImapContinuationLine line: return [$"P: continuation {line.Line}"];
            case ImapCommandFramed framed:
                var result = parser.Parse(framed.Frame);
                if (!result.IsSuccess)
                {
                    writer.Rejection(result.Error!);
                    break;
                }
                var command = result.Command!;
                if (command is StartTlsCommand) return [$"P: StartTlsCommand, {reader.DiscardBuffered()} plaintext bytes discarded"];
                if (command is IdleCommand)
                {
                    reader.ExpectContinuationLine();
                    writer.Continuation("idling");
                    return ["P: IdleCommand", .. Lines(writer)];
                }
                return ["P: " + command.GetType().Name];
        }
        return Lines(writer);
    }

    private static IEnumerable<string> Lines(ImapResponseWriter writer) =>
        writer.ToString().TrimEnd('\n').TrimEnd('\r').Split("\r\n").Select(l => "S: " + l);

    private static string Folder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
