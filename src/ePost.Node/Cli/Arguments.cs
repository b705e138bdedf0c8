using System.Globalization;

namespace ePost.Node.Cli;

/// <summary>Parsed command-line options of one verb: <c>--name value</c>, <c>--flag</c> and positional words.</summary>
public sealed class Arguments
{
    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    private Arguments(IReadOnlyList<string> positional) => Positional = positional;

    /// <summary>Words that are not options, in order.</summary>
    public IReadOnlyList<string> Positional { get; }

    /// <summary>Parses <c>--name value</c>, <c>--name=value</c> and bare <c>--flag</c> (a flag is followed by another option or nothing).</summary>
    public static Arguments Parse(IReadOnlyList<string> args)
    {
        var positional = new List<string>();
        var parsed = new Arguments(positional);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                positional.Add(arg);
                continue;
            }
            var name = arg[2..];
            string value;
            var equals = name.IndexOf('=');
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                value = args[++i];
            else
                value = "true";
            if (!parsed._options.TryGetValue(name, out var values)) parsed._options[name] = values = new List<string>();
            values.Add(value);
        }
        return parsed;
    }

    /// <summary>The last value given for an option, or null.</summary>
    public string? Get(string name)
    {
        _used.Add(name);
        return _options.TryGetValue(name, out var values) ? values[^1] : null;
    }

    /// <summary>Every value given for a repeatable option.</summary>
    public IReadOnlyList<string> GetAll(string name)
    {
        _used.Add(name);
        return _options.TryGetValue(name, out var values) ? values : [];
    }

    /// <summary>True when a flag was given (and not set to false).</summary>
    public bool Flag(string name) => Get(name) is { } v && !v.Equals("false", StringComparison.OrdinalIgnoreCase);

    /// <summary>An integer option with a default and a lower bound.</summary>
    public int Int(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        var text = Get(name);
        if (text is null) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new UsageException($"--{name} takes an integer between {min} and {max}, not '{text}'.");
        return value;
    }

    /// <summary>A floating-point option with a default and bounds.</summary>
    public double Double(string name, double fallback, double min = double.MinValue, double max = double.MaxValue)
    {
        var text = Get(name);
        if (text is null) return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new UsageException($"--{name} takes a number between {min} and {max}, not '{text}'.");
        return value;
    }

    /// <summary>Throws a usage error naming any option the verb never asked about (typos should not pass silently).</summary>
    public void RejectUnknown()
    {
        var unknown = _options.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0) throw new UsageException($"Unknown option(s): {string.Join(", ", unknown.Select(u => "--" + u))}.");
    }
}

/// <summary>A mistake in how the command was called; printed with the usage text, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
