namespace ePost.Mail.Imap.States;

/// <summary>The RFC 3501 §3 connection states.</summary>
public enum ImapSessionState
{
    /// <summary>Before LOGIN/AUTHENTICATE.</summary>
    NotAuthenticated,
    /// <summary>Logged in, no mailbox selected.</summary>
    Authenticated,
    /// <summary>A mailbox is selected.</summary>
    Selected,
    /// <summary>LOGOUT received or connection closing.</summary>
    Logout,
}
