namespace ePost.Mail.Sessions;

/// <summary>Creates one protocol session per accepted connection; a listener holds one factory.</summary>
public interface ISessionFactory
{
    /// <summary>Protocol name, used in actor names and logs ("smtp", "pop3", "imap").</summary>
    string Protocol { get; }

    /// <summary>A new session for a connection.</summary>
    ISessionDialogue Create(SessionContext context);

    /// <summary>The line sent (then the connection closed) when a client exceeds the per-address connection limit.</summary>
    byte[] TooManyConnections { get; }
}
