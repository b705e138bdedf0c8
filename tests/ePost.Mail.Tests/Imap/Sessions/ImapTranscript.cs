using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using ePost.Mail.Backend;
using ePost.Mail.Imap;
using ePost.Mail.Imap.Mailbox;
using ePost.Mail.Sessions;
using ePost.Mail.Tests.Fixtures;

namespace ePost.Mail.Tests.Imap.Sessions;

/// <summary>
/// Replays a transcript against real <see cref="ImapSession"/>s over an <see cref="InMemoryMailStore"/>, without sockets.
/// Format, one entry per line: <c>C: text</c> client bytes (CRLF appended; a written <c>\r\n</c> inside is a CRLF, so a
/// literal and the rest of its command fit on one line; a written <c>\x00</c> is a NUL byte, in client and server lines alike);
/// <c>S: text</c> an exact server line; <c>-- delay hh:mm:ss</c>,
/// <c>-- starttls</c>, <c>-- compress</c>, <c>-- close</c> the session's actions; <c>== deliver FOLDER SUBJECT</c> new mail filed by someone
/// else; <c>== store unavailable</c> / <c>== store available</c> make every store request fail or work again;
/// <c>== session N</c> switches to the N-th connection of the same store (opened on first use);
/// <c>== wake N</c> is expected output: connection N asked to be woken (IDLE) and what it then said follows.
/// Lines starting with # are comments; the client lines are echoed, so the file reads as the conversation it is.
/// </summary>
public sealed class ImapTranscript
{
    /// <summary>alice, password "secret".</summary>
    public static readonly MailUser Alice = new("alice", "alice@ring.test");

    private readonly Dictionary<int, Connection> connections = [];
    private readonly List<string> actual = [];
    private readonly ImapSettings settings;
    private readonly SessionContext context;
    private readonly LoginThrottle throttle;
    private readonly RecentRegistry recent = new();
    private readonly ManualClock clock = new();

    /// <summary>A transcript over <paramref name="store"/> (shared by all its connections).</summary>
    public ImapTranscript(InMemoryMailStore store, ImapSettings? settings = null, SessionContext? context = null)
    {
        Store = store;
        this.settings = settings ?? new ImapSettings("imap.test");
        this.context = context ?? new SessionContext(new IPEndPoint(IPAddress.Loopback, 50000), false, true);
        throttle = new LoginThrottle(LoginThrottleSettings.Default, clock);
    }

    /// <summary>The store behind every connection.</summary>
    public InMemoryMailStore Store { get; }

    /// <summary>Runs the transcript file (relative to the calling test's folder) and asserts the exact server output.</summary>
    public async Task RunAsync(string file, [CallerFilePath] string caller = "")
    {
        var path = Path.Combine(Path.GetDirectoryName(caller)!, "Transcripts", file);
        var lines = await File.ReadAllLinesAsync(path);
        var expected = lines.Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var current = await OpenAsync(1);
        foreach (var line in lines)
        {
            if (line.StartsWith("== session "))
            {
                actual.Add(line);
                current = await OpenAsync(int.Parse(line["== session ".Length..]));
            }
            else if (line.StartsWith("== deliver "))
            {
                actual.Add(line);
                var parts = line["== deliver ".Length..].Split(' ', 2);
                Store.Deliver(Alice, parts[0], $"From: bob@ring.test\r\nSubject: {parts[1]}\r\n\r\nHello\r\n");
                await WakeAsync();
            }
            else if (line is "== store unavailable" or "== store available")
            {
                actual.Add(line);
                Store.Unavailable = line == "== store unavailable";
            }
            else if (line.StartsWith("C: "))
            {
                Assert.False(current.Closed, $"The transcript sends '{line}' after the server closed the connection:\n{string.Join("\n", actual)}");
                actual.Add(line);
                current.Session.Append(Encoding.UTF8.GetBytes(line[3..].Replace("\\r\\n", "\r\n").Replace("\\x00", "\0") + "\r\n"));
                while (!current.Closed && current.Session.HandleNext(CancellationToken.None) is { } step) Record(current, await step);
                await WakeAsync();
            }
        }
        Assert.True(string.Join("\n", expected) == string.Join("\n", actual),
            $"Transcript {file} differs.\n--- expected\n{string.Join("\n", expected)}\n--- actual\n{string.Join("\n", actual)}");
    }

    /// <summary>What the session actor does on a wake-up: asks the session what it has to say, once no step runs.</summary>
    private async Task WakeAsync()
    {
        foreach (var (number, connection) in connections.OrderBy(c => c.Key))
        {
            if (connection.Closed || !connection.TakeWakeUp()) continue;
            actual.Add($"== wake {number}");
            Record(connection, await connection.Session.WakeUpAsync(CancellationToken.None));
        }
    }

    private async Task<Connection> OpenAsync(int number)
    {
        if (connections.TryGetValue(number, out var open)) return open;
        var session = new ImapSession(settings, context, InMemoryUserDirectory.Standard(), Store, throttle, recent, clock);
        var connection = connections[number] = new Connection(session);
        session.AttachWakeUp(connection.WakeUp);
        Record(connection, session.Greeting());
        await Task.CompletedTask;
        return connection;
    }

    private void Record(Connection connection, SessionStep step)
    {
        if (step.Delay > TimeSpan.Zero) actual.Add($"-- delay {step.Delay:hh\\:mm\\:ss}");
        var text = Encoding.UTF8.GetString(step.Output).Replace("\0", "\\x00");
        foreach (var reply in text.Split("\r\n")[..^1]) actual.Add("S: " + reply);
        if (step.Action == SessionAction.StartTls)
        {
            actual.Add("-- starttls");
            connection.Session.TlsEstablished();
        }
        if (step.Action == SessionAction.StartCompression) actual.Add("-- compress");
        if (step.Action == SessionAction.Close)
        {
            actual.Add("-- close");
            connection.Closed = true;
            connection.Session.Dispose();
        }
    }

    private sealed class Connection(ImapSession session)
    {
        private int woken;

        public ImapSession Session => session;
        public bool Closed { get; set; }

        public void WakeUp() => Interlocked.Exchange(ref woken, 1);

        public bool TakeWakeUp() => Interlocked.Exchange(ref woken, 0) == 1;
    }
}
