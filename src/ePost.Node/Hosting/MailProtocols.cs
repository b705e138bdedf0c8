using System.Net;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Configuration;
using ePost.Mail.Backend;
using ePost.Mail.Delivery;
using ePost.Mail.Imap;
using ePost.Mail.Imap.Mailbox;
using ePost.Mail.Pop3;
using ePost.Mail.Sessions;
using ePost.Mail.Smtp;
using ePost.Mail.Spool;
using ePost.Mail.Tls;

namespace ePost.Node.Hosting;

/// <summary>Where a node's mail listeners are bound (0 for a listener that is off).</summary>
public sealed record MailEndpoints(string Host, int Smtp, int Smtps, int Gateway, int Pop3, int Pop3s, int Imap, int Imaps);

/// <summary>
/// Starts a node's mail protocols over POST: the submission spool and its delivery agent, and the SMTP, POP3 and IMAP
/// listeners (plain with STARTTLS, and implicit TLS) configured in <c>epost.mail</c>.
/// </summary>
public static class MailProtocols
{
    /// <summary>Starts everything and returns the bound ports.</summary>
    public static async Task<MailEndpoints> StartAsync(ActorSystem system, Config config, string dataDir, NodeMail mail)
    {
        var c = config.GetConfig("epost.mail");
        var host = c.GetString("host-name");
        var listen = IPAddress.Parse(c.GetString("listen-host"));
        var certificate = LoadCertificate(c, dataDir, host);
        var spool = new FileSpool(Path.Combine(dataDir, "spool"));
        var delivery = DeliverySettings.Create(config);
        system.ActorOf(DeliveryAgent.Props(delivery, spool, mail.Directory, mail.Delivery, mail.Store), "delivery");

        // Every call the sessions make to POST (and to the spool) answers within backend-timeout, so a stopped or slow
        // layer costs a client an unavailable reply, never a hung command.
        var deadline = new BackendDeadline(c.GetTimeSpan("backend-timeout"), system.Scheduler);
        var directory = new DeadlineUserDirectory(mail.Directory, deadline);
        var store = new DeadlineMailStore(mail.Store, deadline);
        var sessionSpool = new DeadlineSpool(spool, deadline);

        var throttle = new LoginThrottle(LoginThrottleSettings.Default, system.Scheduler);
        var maxMessage = c.GetLong("max-message-bytes");
        var errorLimits = SmtpErrorLimits.Create(config);
        var submission = new SmtpSessionFactory(new SmtpSettings(SmtpMode.Submission, host, maxMessage) { ErrorLimits = errorLimits }, directory, sessionSpool, throttle, system.Scheduler);
        var gateway = new SmtpSessionFactory(new SmtpSettings(SmtpMode.Gateway, host, maxMessage) { ErrorLimits = errorLimits }, directory, sessionSpool, throttle, system.Scheduler);
        var pop3 = new Pop3SessionFactory(new Pop3Settings(host), directory, new MailStoreMailbox(store), throttle);
        var imap = new ImapSessionFactory(new ImapSettings(host), directory, store, throttle, system.Scheduler,
            new RecentRegistry(Path.Combine(dataDir, "imap-recent.json")));

        async Task<int> Listen(string name, string portKey, ISessionFactory factory, bool implicitTls, Func<IPEndPoint, bool, ListenerSettings>? settings = null)
        {
            var port = c.GetInt(portKey);
            if (port < 0) return 0;
            var endpoint = new IPEndPoint(listen, port);
            var listener = system.ActorOf(ListenerActor.Props(settings?.Invoke(endpoint, implicitTls) ?? Listener(endpoint, implicitTls), factory, certificate), name);
            var bound = await listener.Ask<ListenerBound>(GetBinding.Instance, TimeSpan.FromSeconds(10));
            return bound.Endpoint.Port;
        }

        return new MailEndpoints(
            listen.ToString(),
            Smtp: await Listen("smtp", "smtp-port", submission, false),
            Smtps: await Listen("smtps", "smtps-port", submission, true),
            Gateway: await Listen("smtp-gateway", "gateway-port", gateway, false),
            Pop3: await Listen("pop3", "pop3-port", pop3, false),
            Pop3s: await Listen("pop3s", "pop3s-port", pop3, true),
            Imap: await Listen("imap", "imap-port", imap, false, (e, t) => ImapSettings.Listener(e, t)),
            Imaps: await Listen("imaps", "imaps-port", imap, true, (e, t) => ImapSettings.Listener(e, t)));
    }

    private static ListenerSettings Listener(IPEndPoint endpoint, bool implicitTls) =>
        new(endpoint, implicitTls, MaxConnectionsPerAddress: 20, IdleTimeout: TimeSpan.FromMinutes(10));

    /// <summary>The node's mail TLS certificate: the configured PKCS#12 file, or the self-signed one in the data directory.</summary>
    internal static X509Certificate2 LoadCertificate(Config c, string dataDir, string host)
    {
        var path = c.GetString("tls-certificate", "");
        return path.Length > 0
            ? NodeCertificate.Load(path, c.GetString("tls-password", "") is { Length: > 0 } password ? password : null)
            : NodeCertificate.LoadOrCreate(dataDir, host, DateTimeOffset.UtcNow);
    }
}
