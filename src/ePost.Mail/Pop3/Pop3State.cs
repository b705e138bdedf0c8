namespace ePost.Mail.Pop3;

/// <summary>The POP3 session states of RFC 1939 (UPDATE is entered and left within QUIT).</summary>
public enum Pop3State
{
    /// <summary>Before login.</summary>
    Authorization,

    /// <summary>Waiting for the client's SASL response after AUTH PLAIN.</summary>
    AuthResponse,

    /// <summary>Logged in, the maildrop snapshot is open.</summary>
    Transaction,
}
