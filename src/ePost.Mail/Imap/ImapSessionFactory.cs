using Akka.Actor;
using ePost.Mail.Backend;
using ePost.Mail.Imap.Mailbox;
using ePost.Mail.Sessions;

namespace ePost.Mail.Imap;

/// <summary>
/// Creates <see cref="ImapSession"/>s for an IMAP listener. The login throttle and the \Recent ledgers are shared by all
/// its sessions; serve IMAP (143) and IMAPS (993) from one factory so both see the same \Recent state.
/// </summary>
/// <param name="recent">The \Recent ledgers; by default in memory only (a node passes one kept in its data directory).</param>
public sealed class ImapSessionFactory(ImapSettings settings, IMailUserDirectory directory, IMailStore store, LoginThrottle throttle, IScheduler scheduler,
    RecentRegistry? recent = null)
    : ISessionFactory
{
    private readonly RecentRegistry recent = recent ?? new();

    /// <inheritdoc />
    public string Protocol => "imap";

    /// <inheritdoc />
    public byte[] TooManyConnections => SessionStep.Encode(["* BYE [UNAVAILABLE] Too many connections from your address"]);

    /// <inheritdoc />
    public ISessionDialogue Create(SessionContext context) => new ImapSession(settings, context, directory, store, throttle, recent, scheduler);
}
