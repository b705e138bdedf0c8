using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Runtime.CompilerServices;

namespace ePost.Mail.Tests.Fixtures;

/// <summary>
/// A real SMTP server in a child process: Debian's python3-aiosmtpd running Fixtures/aiosmtpd_sink.py (installed by
/// .ci/apt-packages). Messages it accepts land as files in <see cref="Directory"/>.
/// </summary>
public sealed class AiosmtpdServer : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly Process process;

    private AiosmtpdServer(Process process, int port, string directory)
    {
        this.process = process;
        Port = port;
        Directory = directory;
    }

    /// <summary>The port it listens on (127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>Where received messages are written.</summary>
    public string Directory { get; }

    /// <summary>A port free right now, for a server started later.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Starts the server on <paramref name="port"/> and waits until it listens; with <paramref name="login"/> ("user:password") AUTH is required.</summary>
    public static async Task<AiosmtpdServer> StartAsync(int port, string directory, string? login = null, [CallerFilePath] string caller = "")
    {
        System.IO.Directory.CreateDirectory(directory);
        var script = Path.Combine(Path.GetDirectoryName(caller)!, "..", "Fixtures", "aiosmtpd_sink.py");
        var start = new ProcessStartInfo(DebianProgram.Python3WithAiosmtpd) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.GetFullPath(script));
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add(directory);
        if (login is not null) start.ArgumentList.Add(login);
        var process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start python3");
        var stderr = process.StandardError.ReadToEndAsync();
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(Patience);
        if (line != "ready")
        {
            process.WaitForExit(5000);
            throw new InvalidOperationException($"aiosmtpd did not start (is python3-aiosmtpd installed?): {await stderr}");
        }
        return new AiosmtpdServer(process, port, directory);
    }

    /// <summary>The messages received so far: envelope sender, recipients, and bytes.</summary>
    public IReadOnlyList<(string From, IReadOnlyList<string> To, byte[] Message)> Received()
    {
        var result = new List<(string, IReadOnlyList<string>, byte[])>();
        foreach (var file in System.IO.Directory.GetFiles(Directory, "*.msg").Order(StringComparer.Ordinal))
        {
            var bytes = File.ReadAllBytes(file);
            var newline = Array.IndexOf(bytes, (byte)'\n');
            using var envelope = JsonDocument.Parse(bytes.AsMemory(0, newline));
            var from = envelope.RootElement.GetProperty("from").GetString() ?? "";
            var to = envelope.RootElement.GetProperty("to").EnumerateArray().Select(e => e.GetString()!).ToList();
            result.Add((from, to, bytes[(newline + 1)..]));
        }
        return result;
    }

    /// <summary>The text of a received message.</summary>
    public static string Text(byte[] message) => Encoding.UTF8.GetString(message);

    /// <inheritdoc />
    public void Dispose()
    {
        if (!process.HasExited) process.Kill();
        process.WaitForExit(5000);
        process.Dispose();
    }
}
