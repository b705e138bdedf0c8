using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ePost.Mail.Tests.Fixtures;

namespace ePost.Node.Tests;

/// <summary>
/// Debian's Chromium, headless, driven over the Chrome DevTools Protocol (a WebSocket to one page): navigate, evaluate
/// script in the page, take screenshots. A real browser for the dashboard tests; fails (never skips) without Chromium.
/// </summary>
public sealed partial class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private int _nextId;

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>Starts a browser with a fresh profile and connects to its first page.</summary>
    public static async Task<HeadlessChromium> StartAsync()
    {
        var profile = Path.Combine(Path.GetTempPath(), "epost-chromium-" + Guid.NewGuid().ToString("N"));
        var info = new ProcessStartInfo(DebianProgram.Chromium) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[]
                 {
                     "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
                     "--disable-extensions", "--disable-background-networking", "--window-size=1280,1100", "--remote-debugging-port=0",
                     "--user-data-dir=" + profile, "about:blank",
                 })
            info.ArgumentList.Add(arg);
        var process = Process.Start(info) ?? throw new InvalidOperationException("chromium did not start");
        _ = process.StandardOutput.ReadToEndAsync();
        var browser = new HeadlessChromium(process, profile);
        try
        {
            var port = await DevToolsPortAsync(process).WaitAsync(TimeSpan.FromSeconds(60));
            using var http = new HttpClient();
            string? page = null;
            await Eventually.True(async () =>
            {
                var targets = await http.GetFromJsonAsync<JsonArray>($"http://127.0.0.1:{port}/json/list");
                page = targets?.FirstOrDefault(t => (string?)t?["type"] == "page")?["webSocketDebuggerUrl"]?.GetValue<string>();
                return page is not null;
            }, TimeSpan.FromSeconds(30), "chromium opened no page");
            await browser._socket.ConnectAsync(new Uri(page!), CancellationToken.None);
            await browser.CallAsync("Page.enable");
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    private static async Task<int> DevToolsPortAsync(Process process)
    {
        while (await process.StandardError.ReadLineAsync() is { } line)
            if (DevToolsLine().Match(line) is { Success: true } m) return int.Parse(m.Groups[1].Value);
        throw new InvalidOperationException($"chromium exited ({(process.HasExited ? process.ExitCode : -1)}) without a DevTools address");
    }

    [GeneratedRegex(@"DevTools listening on ws://127\.0\.0\.1:(\d+)/")]
    private static partial Regex DevToolsLine();

    /// <summary>Loads a URL in the page and waits for its load event.</summary>
    public async Task NavigateAsync(Uri url)
    {
        await CallAsync("Page.navigate", new JsonObject { ["url"] = url.ToString() });
        await WaitForAsync("document.readyState === 'complete' && location.href !== 'about:blank'", TimeSpan.FromSeconds(30), $"{url} never loaded");
    }

    /// <summary>The value of a script expression in the page (promises awaited).</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var result = await CallAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        if (result?["exceptionDetails"] is { } error) throw new InvalidOperationException($"page script failed: {error.ToJsonString()}");
        return result?["result"]?["value"];
    }

    /// <summary>Waits until a script expression is true in the page.</summary>
    public Task WaitForAsync(string expression, TimeSpan limit, string because) =>
        Eventually.True(async () =>
        {
            try
            {
                return (await EvaluateAsync(expression))?.GetValueKind() == JsonValueKind.True;
            }
            catch (InvalidOperationException)
            {
                return false; // a navigation replaced the context mid-call
            }
        }, limit, because, async () => "page text: " + (await EvaluateAsync("document.body ? document.body.innerText : ''"))?.ToString());

    /// <summary>A PNG of the page as it is shown.</summary>
    public async Task<byte[]> ScreenshotAsync()
    {
        var result = await CallAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = true });
        return Convert.FromBase64String(result!["data"]!.GetValue<string>());
    }

    private async Task<JsonNode?> CallAsync(string method, JsonObject? parameters = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var request = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(request.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var message = JsonNode.Parse(await ReceiveAsync(timeout.Token))!;
            if ((int?)message["id"] != id) continue; // an event, or the answer to an earlier call
            if (message["error"] is { } error) throw new InvalidOperationException($"{method}: {error.ToJsonString()}");
            return message["result"];
        }
    }

    private async Task<string> ReceiveAsync(CancellationToken cancel)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var part = await _socket.ReceiveAsync(buffer, cancel);
            if (part.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException("chromium closed the DevTools connection");
            message.Write(buffer, 0, part.Count);
            if (part.EndOfMessage) return Encoding.UTF8.GetString(message.ToArray());
        }
    }

    /// <summary>Closes the browser and deletes its profile.</summary>
    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
