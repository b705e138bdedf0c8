namespace ePost.Mail.Imap.Protocol;

/// <summary>Resource bounds the IMAP command reader and parser enforce on every client.</summary>
/// <remarks>Defaults and their reasons are recorded in docs/decisions.md ("IMAP input limits").</remarks>
public sealed record ImapLimits
{
    /// <summary>Longest single line (excluding literal bytes). Long UID sets are the usual reason clients need much.</summary>
    public int MaxLineLength { get; init; } = 64 * 1024;

    /// <summary>Largest literal accepted; also the largest message APPEND can carry.</summary>
    public long MaxLiteralSize { get; init; } = 50L * 1024 * 1024;

    /// <summary>Largest whole command: all lines plus all literals.</summary>
    public long MaxCommandSize { get; init; } = 51L * 1024 * 1024;

    /// <summary>Deepest nesting of parenthesized lists (and SEARCH NOT/OR chains in the parser).</summary>
    public int MaxNestingDepth { get; init; } = 32;

    /// <summary>
    /// Largest refused non-synchronizing literal the reader will read and throw away so the connection survives;
    /// beyond it the client gets BYE, because the bytes would cost bandwidth for nothing.
    /// </summary>
    public long MaxDiscardedLiteralSize { get; init; } = 256L * 1024 * 1024;

    /// <summary>The defaults.</summary>
    public static ImapLimits Default { get; } = new();
}
