namespace ePost.Post.Logs;

/// <summary>A log record or log history that is malformed, over a bound, or inconsistent with the state it applies to.</summary>
public sealed class LogFormatException : Exception
{
    /// <summary>A failure described by <paramref name="message"/>.</summary>
    public LogFormatException(string message) : base(message) { }

    /// <summary>A failure described by <paramref name="message"/>, caused by <paramref name="inner"/>.</summary>
    public LogFormatException(string message, Exception inner) : base(message, inner) { }
}
