using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ePost.Node.Tests;

/// <summary>An <c>epost</c> process started from the test's output directory, with its output captured.</summary>
public sealed partial class NodeProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = new();
    private readonly TaskCompletionSource<string> _address = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NodeProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Everything the process printed so far.</summary>
    public IReadOnlyList<string> Output { get { lock (_lines) return _lines.ToList(); } }

    /// <summary>
    /// Starts <c>epost</c> with arguments and extra environment variables. An <c>epost run</c> is first admitted to the
    /// ring of <paramref name="ca"/> (default <see cref="TestRingCa.Shared"/>) as an operator would: a node key and a
    /// node certificate in its data dir (<c>--data-dir</c> or EPOST_DATA_DIR), and the CA's key in its configuration.
    /// </summary>
    public static NodeProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, Core.Crypto.CertificateAuthority? ca = null)
    {
        var list = args.ToList();
        if (list.FirstOrDefault() == "run")
        {
            var at = list.IndexOf("--data-dir");
            var dataDir = at >= 0 ? list[at + 1] : environment?.GetValueOrDefault("EPOST_DATA_DIR") ?? throw new ArgumentException("an epost run in a test needs a data dir");
            TestRingCa.Certify(dataDir, ca);
            list.AddRange(["--set", $"epost.transport.certificate-authority={TestRingCa.PublicKeyHex(ca)}"]);
        }
        return StartUncertified(list, environment);
    }

    /// <summary>Starts <c>epost</c> with arguments and extra environment variables as they are.</summary>
    public static NodeProcess StartUncertified(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "epost.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        return new NodeProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start epost"));
    }

    /// <summary>The address the node printed as "listening on ...".</summary>
    public async Task<string> AddressAsync(TimeSpan limit)
    {
        var done = await Task.WhenAny(_address.Task, Task.Delay(limit));
        if (done != _address.Task) throw new TimeoutException("no 'listening on' line; output:\n" + string.Join("\n", Output));
        return await _address.Task;
    }

    /// <summary>Freezes the process (SIGSTOP): it keeps its state and sockets but answers nothing.</summary>
    public void Pause() => Signal("STOP");

    /// <summary>Lets a frozen process run again (SIGCONT).</summary>
    public void Resume() => Signal("CONT");

    /// <summary>Kills the process at once (SIGKILL): no shutdown, nothing flushed beyond what was already durable.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    private void Signal(string name)
    {
        using var kill = Process.Start("kill", ["-" + name, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -{name} {_process.Id} failed");
    }

    /// <summary>Waits for the process to exit and returns its exit code.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan limit)
    {
        using var cancel = new CancellationTokenSource(limit);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    /// <summary>Kills the process (and its children) if still running.</summary>
    public void Dispose()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_lines) _lines.Add(line);
        if (ListeningLine().Match(line) is { Success: true } m) _address.TrySetResult(m.Groups[1].Value);
    }

    [GeneratedRegex(@"^node [0-9a-f]{40} epoch \d+ listening on (\S+)$")]
    private static partial Regex ListeningLine();
}
