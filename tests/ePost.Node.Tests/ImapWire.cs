using System.Net.Sockets;
using System.Text;

namespace ePost.Node.Tests;

/// <summary>
/// A raw IMAP connection for transcript tests: sends command lines exactly as written and returns the server's lines up
/// to the tagged reply, with every literal read by its announced length and shown inline as <c>{n}\r\n</c> and its text.
/// </summary>
public sealed class ImapWire : IAsyncDisposable
{
    private static readonly TimeSpan ReplyLimit = TimeSpan.FromSeconds(30);
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly List<byte> _buffer = [];
    private readonly byte[] _chunk = new byte[64 * 1024];

    private ImapWire(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    /// <summary>The greeting line.</summary>
    public string Greeting { get; private set; } = "";

    /// <summary>True once the server closed the connection.</summary>
    public bool Closed { get; private set; }

    /// <summary>Connects to the plain IMAP port on loopback (where LOGIN is allowed without TLS) and reads the greeting.</summary>
    public static async Task<ImapWire> ConnectAsync(Hosting.MailEndpoints endpoints)
    {
        var client = new TcpClient();
        await client.ConnectAsync(endpoints.Host, endpoints.Imap);
        var wire = new ImapWire(client);
        wire.Greeting = await wire.ReadLineAsync() ?? throw new IOException("No greeting");
        return wire;
    }

    /// <summary>Connects and logs in as <paramref name="user"/> with password "secret".</summary>
    public static async Task<ImapWire> LoginAsync(Hosting.MailEndpoints endpoints, string user)
    {
        var wire = await ConnectAsync(endpoints);
        var reply = await wire.CommandAsync($"L1 LOGIN {user} secret");
        Assert.StartsWith("L1 OK", reply[^1]);
        return wire;
    }

    /// <summary>Sends <paramref name="line"/> (CRLF appended; "\r\n" written inside stays a CRLF) and returns every
    /// line up to and including the tagged reply (or up to the close).</summary>
    public async Task<IReadOnlyList<string>> CommandAsync(string line)
    {
        var tag = line[..line.IndexOf(' ')];
        await SendAsync(line);
        return await ReplyAsync(tag);
    }

    /// <summary>Sends raw client bytes: the line and CRLF.</summary>
    public async Task SendAsync(string line) => await _stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\r\n"));

    /// <summary>Reads lines up to the one tagged <paramref name="tag"/>, or until the server closes.</summary>
    public async Task<IReadOnlyList<string>> ReplyAsync(string tag)
    {
        var lines = new List<string>();
        while (await ReadLineAsync() is { } reply)
        {
            lines.Add(reply);
            if (reply.StartsWith(tag + " ", StringComparison.Ordinal)) return lines;
        }
        lines.Add("-- closed");
        return lines;
    }

    /// <summary>Reads until the next line starting with <paramref name="prefix"/>.</summary>
    public async Task<IReadOnlyList<string>> ReadUntilAsync(string prefix)
    {
        var lines = new List<string>();
        while (await ReadLineAsync() is { } reply)
        {
            lines.Add(reply);
            if (reply.StartsWith(prefix, StringComparison.Ordinal)) return lines;
        }
        lines.Add("-- closed");
        return lines;
    }

    /// <summary>One server line with any literals it announces, or null when the server closed the connection.</summary>
    private async Task<string?> ReadLineAsync()
    {
        using var timeout = new CancellationTokenSource(ReplyLimit);
        var text = new StringBuilder();
        while (true)
        {
            var end = IndexOfCrLf();
            while (end < 0)
            {
                if (!await FillAsync(timeout.Token)) return text.Length > 0 ? text.ToString() : null;
                end = IndexOfCrLf();
            }
            var line = Encoding.UTF8.GetString(_buffer.GetRange(0, end).ToArray());
            _buffer.RemoveRange(0, end + 2);
            text.Append(line);
            if (!line.EndsWith('}')) return text.ToString();
            var open = line.LastIndexOf('{');
            if (open < 0 || !int.TryParse(line.AsSpan(open + 1, line.Length - open - 2).TrimEnd('+'), out var size)) return text.ToString();
            while (_buffer.Count < size)
                if (!await FillAsync(timeout.Token)) return text.ToString();
            text.Append("\\r\\n").Append(Encoding.UTF8.GetString(_buffer.GetRange(0, size).ToArray()));
            _buffer.RemoveRange(0, size);
        }
    }

    private int IndexOfCrLf()
    {
        for (var i = 0; i + 1 < _buffer.Count; i++)
            if (_buffer[i] == '\r' && _buffer[i + 1] == '\n') return i;
        return -1;
    }

    private async Task<bool> FillAsync(CancellationToken cancellation)
    {
        int read;
        try
        {
            read = await _stream.ReadAsync(_chunk, cancellation);
        }
        catch (IOException)
        {
            read = 0;
        }
        if (read == 0)
        {
            Closed = true;
            return false;
        }
        _buffer.AddRange(_chunk.AsSpan(0, read).ToArray());
        return true;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
