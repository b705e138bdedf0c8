using System.Diagnostics;

namespace ePost.Node.Cli;

/// <summary>
/// One line on a terminal that a long command rewrites as it goes: what it is doing, how far (n of total), how fast and
/// about how long is left. Quiet when the output is not a terminal (scripts and logs get only the command's own lines),
/// and redrawn at most a few times a second whatever the rate of reports.
/// </summary>
public sealed class ProgressLine : IDisposable
{
    private static readonly TimeSpan RedrawEvery = TimeSpan.FromMilliseconds(250);
    private readonly TextWriter? _output;
    private readonly string _what;
    private readonly long? _total;
    private readonly string _unit;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private TimeSpan? _drawnAt;
    private int _width;

    /// <summary>A progress line for <paramref name="what"/> with <paramref name="total"/> steps (null when unknown).</summary>
    /// <param name="what">What is being done, e.g. "starting nodes".</param>
    /// <param name="total">How many steps in all, or null.</param>
    /// <param name="unit">What a step is, e.g. "nodes".</param>
    /// <param name="output">Where to draw; null: standard error when it is a terminal, else nowhere.</param>
    public ProgressLine(string what, long? total, string unit, TextWriter? output = null)
    {
        _what = what;
        _total = total;
        _unit = unit;
        _output = output ?? (Console.IsErrorRedirected ? null : Console.Error);
    }

    /// <summary>The text for <paramref name="done"/> steps after <paramref name="elapsed"/>: counts, rate and an estimate when the total is known.</summary>
    public static string Format(string what, long done, long? total, string unit, TimeSpan elapsed)
    {
        var seconds = Math.Max(elapsed.TotalSeconds, 0.001);
        var rate = done / seconds;
        var text = total is { } all and > 0
            ? $"{what}: {done} of {all} {unit} ({100.0 * done / all:F0}%)"
            : $"{what}: {done} {unit}";
        text += $", {elapsed.TotalSeconds:F0} s";
        if (total is { } t && done > 0 && done < t) text += $", about {Estimate((t - done) / rate)} left";
        return text;
    }

    private static string Estimate(double seconds) =>
        seconds < 90 ? $"{Math.Ceiling(seconds):F0} s" : seconds < 5400 ? $"{Math.Ceiling(seconds / 60):F0} min" : $"{seconds / 3600:F1} h";

    /// <summary>Reports that <paramref name="done"/> steps are done; redraws when the last drawing is old enough (or when done). Thread-safe.</summary>
    public void Report(long done)
    {
        if (_output is not { } output) return;
        lock (_gate) Draw(output, done);
    }

    private void Draw(TextWriter output, long done)
    {
        var now = _clock.Elapsed;
        if (_drawnAt is { } drawn && now - drawn < RedrawEvery && done != _total) return;
        _drawnAt = now;
        var text = Format(_what, done, _total, _unit, now);
        // Pad over what the previous drawing left.
        output.Write("\r" + text.PadRight(_width));
        _width = text.Length;
        output.Flush();
    }

    /// <summary>Ends the line (the next output starts on a fresh line).</summary>
    public void Dispose()
    {
        lock (_gate) Clear();
    }

    private void Clear()
    {
        if (_output is null || _width == 0) return;
        _output.Write("\r" + new string(' ', _width) + "\r");
        _output.Flush();
    }
}
