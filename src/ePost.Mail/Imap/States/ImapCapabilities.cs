namespace ePost.Mail.Imap.States;

/// <summary>The CAPABILITY list for a connection's situation (RFC 3501 §6.1.1, §6.2.1; RFC 2595 LOGINDISABLED).</summary>
public static class ImapCapabilities
{
    // The base extensions every authenticated session has; the session adds the ones it implements on top (the
    // "additional" argument: CONDSTORE, QRESYNC, ..., BINARY, and COMPRESS=DEFLATE until compression is on).
    private static readonly string[] Extensions =
        ["LITERAL+", "SASL-IR", "ID", "ENABLE", "IDLE", "NAMESPACE", "UIDPLUS", "MOVE", "UNSELECT", "CHILDREN", "SPECIAL-USE"];

    /// <summary>
    /// Capabilities to announce: STARTTLS only before TLS; credentials only over TLS unless plaintext login is
    /// allowed (loopback development), otherwise LOGINDISABLED; extensions only once they are usable.
    /// </summary>
    public static IReadOnlyList<string> For(ImapSessionState state, bool tlsActive, bool startTlsAvailable, bool allowPlaintextLogin,
        IEnumerable<string>? additional = null)
    {
        // RFC 9051 §7.2.2: a server of both revisions lists both; IMAP4rev2 behaviour starts with ENABLE IMAP4rev2.
        var capabilities = new List<string> { "IMAP4rev1", "IMAP4rev2" };
        if (state == ImapSessionState.NotAuthenticated)
        {
            capabilities.Add("LITERAL+");
            capabilities.Add("SASL-IR");
            capabilities.Add("ID");
            if (!tlsActive && startTlsAvailable) capabilities.Add("STARTTLS");
            if (tlsActive || allowPlaintextLogin) capabilities.Add("AUTH=PLAIN");
            else capabilities.Add("LOGINDISABLED");
            return capabilities;
        }
        capabilities.AddRange(Extensions);
        capabilities.AddRange(additional ?? []);
        return capabilities;
    }

    /// <summary>True when LOGIN and AUTHENTICATE must be refused on this connection.</summary>
    public static bool LoginDisabled(bool tlsActive, bool allowPlaintextLogin) => !tlsActive && !allowPlaintextLogin;
}
