using System.Text;
using ePost.Mail.Backend;
using ePost.Mail.Imap;
using ePost.Mail.Sessions;
using ePost.Mail.Tests.Fixtures;
using MailKit.Net.Imap;
using MailKit.Security;

namespace ePost.Mail.Tests.Imap.Listener;

/// <summary>Test base for IMAP over real loopback sockets: one in-memory store, MailKit clients, virtual time for timers.</summary>
public abstract class ImapListenerFixture : ListenerFixture
{
    /// <summary>alice, password "secret".</summary>
    protected static readonly MailUser Alice = new("alice", "alice@ring.test");

    /// <summary>A multipart message with a non-ASCII subject and a base64 attachment, as exact bytes.</summary>
    protected const string Report =
        "From: Alice <alice@ring.test>\r\n" +
        "To: Bob <bob@ring.test>\r\n" +
        "Subject: Report =?UTF-8?B?w6TDtsO8?=\r\n" +
        "Date: Mon, 06 Jan 2025 10:00:00 +0000\r\n" +
        "Message-ID: <r1@ring.test>\r\n" +
        "MIME-Version: 1.0\r\n" +
        "Content-Type: multipart/mixed; boundary=\"b1\"\r\n" +
        "\r\n" +
        "--b1\r\n" +
        "Content-Type: text/plain; charset=utf-8\r\n" +
        "\r\n" +
        "Quarterly numbers attached.\r\n" +
        "--b1\r\n" +
        "Content-Type: application/octet-stream; name=\"data.bin\"\r\n" +
        "Content-Transfer-Encoding: base64\r\n" +
        "Content-Disposition: attachment; filename=\"data.bin\"\r\n" +
        "\r\n" +
        "AAECAwQFBgcICQ==\r\n" +
        "--b1--\r\n";

    /// <summary>The store every session of the listener serves.</summary>
    protected InMemoryMailStore Store { get; } = new();

    /// <summary>A factory over <see cref="Store"/> with the standard users.</summary>
    protected ImapSessionFactory Factory(ImapSettings? settings = null) =>
        new(settings ?? new ImapSettings("localhost"), InMemoryUserDirectory.Standard(), Store,
            new LoginThrottle(LoginThrottleSettings.Default, Scheduler), Scheduler);

    /// <summary>A logged-in MailKit client (STARTTLS, or implicit TLS).</summary>
    protected async Task<ImapClient> ConnectAsync(int port, SecureSocketOptions security = SecureSocketOptions.StartTls)
    {
        var client = new ImapClient { ServerCertificateValidationCallback = (_, certificate, _, _) => IsOurCertificate(certificate) };
        await client.ConnectAsync("localhost", port, security);
        await client.AuthenticateAsync("alice", "secret");
        return client;
    }

    /// <summary>Files a message in a folder as delivery would.</summary>
    protected AppendResult Deliver(string folder, string text) => Store.Deliver(Alice, folder, text);

    /// <summary>The stored bytes of a message.</summary>
    protected byte[] Stored(string folder, uint uid) =>
        Store.ReadMessageAsync(Alice, folder, uid, CancellationToken.None).Result ?? throw new InvalidOperationException("No such message");

    /// <summary>UTF-8 bytes of text.</summary>
    protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
