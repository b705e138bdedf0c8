using Akka.Actor;
using ePost.Mail.Backend;
using ePost.Mail.Sessions;

namespace ePost.Mail.Smtp;

/// <summary>Creates <see cref="SmtpSession"/>s for an SMTP listener; the throttle is shared by all its sessions.</summary>
public sealed class SmtpSessionFactory(SmtpSettings settings, IMailUserDirectory directory, ISubmissionSpool spool, LoginThrottle throttle, ITimeProvider clock)
    : ISessionFactory
{
    /// <inheritdoc />
    public string Protocol => "smtp";

    /// <inheritdoc />
    public byte[] TooManyConnections => SessionStep.Encode([$"421 4.7.0 {settings.HostName} Too many connections from your address"]);

    /// <inheritdoc />
    public ISessionDialogue Create(SessionContext context) => new SmtpSession(settings, context, directory, spool, throttle, clock);
}
