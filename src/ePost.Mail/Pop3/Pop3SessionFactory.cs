using ePost.Mail.Backend;
using ePost.Mail.Sessions;

namespace ePost.Mail.Pop3;

/// <summary>Creates <see cref="Pop3Session"/>s for a POP3 listener; the throttle is shared by all its sessions.</summary>
public sealed class Pop3SessionFactory(Pop3Settings settings, IMailUserDirectory directory, IMailboxAccess mailbox, LoginThrottle throttle) : ISessionFactory
{
    /// <inheritdoc />
    public string Protocol => "pop3";

    /// <inheritdoc />
    public byte[] TooManyConnections => SessionStep.Encode(["-ERR [IN-USE] Too many connections from your address"]);

    /// <inheritdoc />
    public ISessionDialogue Create(SessionContext context) => new Pop3Session(settings, context, directory, mailbox, throttle);
}
