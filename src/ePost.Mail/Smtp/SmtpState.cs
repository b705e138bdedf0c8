namespace ePost.Mail.Smtp;

/// <summary>Where an SMTP session is in the command sequence.</summary>
public enum SmtpState
{
    /// <summary>Greeting sent (or TLS just started): waiting for EHLO/HELO.</summary>
    Connected,

    /// <summary>EHLO/HELO done, no mail transaction.</summary>
    Greeted,

    /// <summary>MAIL accepted, no recipient yet.</summary>
    Mail,

    /// <summary>At least one RCPT accepted.</summary>
    Recipients,

    /// <summary>At least one BDAT chunk of the message received, not yet the LAST one (RFC 3030).</summary>
    Chunking,

    /// <summary>Reading message text after DATA.</summary>
    Data,

    /// <summary>In the middle of an AUTH exchange (the next line is a SASL response).</summary>
    Auth,
}
