namespace ePost.Mail.Imap.Protocol;

/// <summary>The status word of a tagged or untagged status response.</summary>
public enum ImapStatus
{
    /// <summary>Success.</summary>
    Ok,
    /// <summary>Operational failure (the command was understood but refused).</summary>
    No,
    /// <summary>Protocol error (syntax, unknown command, bad state).</summary>
    Bad,
    /// <summary>Server is closing the connection.</summary>
    Bye,
    /// <summary>Greeting for an already authenticated connection.</summary>
    PreAuth,
}
