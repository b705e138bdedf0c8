using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using ePost.Mail.Sessions;

namespace ePost.Mail.Tests.Transcripts;

/// <summary>
/// Replays a transcript against a protocol session, without sockets. Format, one entry per line:
/// <c>C: text</c> is sent by the client (CR LF appended, unless the line spells its own endings with &lt;CR&gt;/&lt;LF&gt;;
/// <c>{x*N}</c> expands to N copies of x); <c>S: text</c> is an exact expected server line; <c>-- delay 00:00:01</c>,
/// <c>-- starttls</c> and <c>-- close</c> are the session's actions; <c>#</c> starts a comment.
/// The runner does what the session actor does: one framer, lines fed in order (raw bytes while the session wants them,
/// as for a BDAT chunk), buffered input dropped at STARTTLS.
/// </summary>
public static partial class TranscriptRunner
{
    /// <summary>Runs the transcript file (path relative to the calling test's folder) and asserts the exact server output.</summary>
    public static async Task RunAsync(IProtocolSession session, string file, [CallerFilePath] string caller = "")
    {
        var path = Path.Combine(Path.GetDirectoryName(caller)!, file);
        var lines = await File.ReadAllLinesAsync(path);
        var expected = lines.Where(l => l.StartsWith("S: ") || l.StartsWith("-- ")).ToList();
        var actual = new List<string>();
        var framer = new LineFramer();
        var closed = false;

        void Record(SessionStep step)
        {
            if (step.Delay > TimeSpan.Zero) actual.Add($"-- delay {step.Delay:hh\\:mm\\:ss}");
            var text = Encoding.UTF8.GetString(step.Output);
            foreach (var reply in text.Split("\r\n")[..^1]) actual.Add("S: " + reply);
            if (step.Action == SessionAction.StartTls)
            {
                actual.Add("-- starttls");
                framer.Clear();
                session.TlsEstablished();
            }
            if (step.Action == SessionAction.Close)
            {
                actual.Add("-- close");
                closed = true;
            }
        }

        Record(session.Greeting());
        foreach (var line in lines.Where(l => l.StartsWith("C: ")))
        {
            Assert.False(closed, $"The transcript sends '{line}' after the server closed the connection.");
            framer.Append(ClientBytes(line[3..]));
            while (!closed)
            {
                if (session.RawOctetsWanted > 0)
                {
                    if (framer.Buffered == 0) break;
                    Record(await session.HandleRawAsync(framer.TakeBytes(session.RawOctetsWanted), CancellationToken.None));
                }
                else if (framer.TryReadLine(session.MaxLineLength, out var framed)) Record(await session.HandleAsync(framed, CancellationToken.None));
                else break;
            }
        }
        Assert.Equal(string.Join("\n", expected), string.Join("\n", actual));
    }

    /// <summary>The bytes a C: line stands for.</summary>
    public static byte[] ClientBytes(string spec)
    {
        var expanded = Repeat().Replace(spec, m => new string(m.Groups[1].Value[0], int.Parse(m.Groups[2].Value)));
        var explicitEndings = expanded.Contains("<CR>") || expanded.Contains("<LF>");
        var text = expanded.Replace("<CR>", "\r").Replace("<LF>", "\n");
        return Encoding.UTF8.GetBytes(explicitEndings ? text : text + "\r\n");
    }

    [GeneratedRegex(@"\{(.)\*(\d+)\}")]
    private static partial Regex Repeat();
}
