namespace ePost.Mail.Pop3;

/// <summary>Settings of a POP3 listener's sessions.</summary>
/// <param name="HostName">Name in the greeting.</param>
/// <param name="MaxCommandLine">Longest command line including CR LF (RFC 2449 asks 255 for commands; SASL needs more).</param>
/// <param name="MaxErrors">Bad commands tolerated before the connection is closed.</param>
/// <param name="AllowPlaintextAuthOnLoopback">Permit USER/PASS and AUTH without TLS when the client is on this machine.</param>
public sealed record Pop3Settings(string HostName, int MaxCommandLine = 1024, int MaxErrors = 10, bool AllowPlaintextAuthOnLoopback = true);
