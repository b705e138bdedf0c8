using System.Text;
using Akka.Actor;
using ePost.Node.Hosting;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ePost.Node.Tests;

/// <summary>
/// A node whose POST layer has stopped (its post office and every mailbox agent gone) still answers every mail command:
/// real nodes, real sockets, MailKit clients whose timeout (5 s) fails the test when a reply does not come; the node's
/// backend-timeout is 1 s. IMAP says NO [UNAVAILABLE], POP3 -ERR [SYS/TEMP], and the sessions stay usable.
/// </summary>
[Collection(HeavyTests.Name)]
public sealed class MailWithPostStoppedTests
{
    private const string Alice = "alice@ring.test";
    private const string Password = "secret";
    private const int ClientTimeoutMs = 5000;

    private static MimeMessage Letter(string subject) =>
        new([MailboxAddress.Parse(Alice)], [MailboxAddress.Parse(Alice)], subject, new TextPart("plain") { Text = "Hello" });

    private static async Task<(NodeHost Node, MailRing Mail)> RingAsync()
    {
        var mail = new MailRing { Extra = "epost.mail.backend-timeout = 1s" };
        var node = await mail.AddAsync(mail.Issue(Alice));
        await mail.AddAsync();
        await mail.AddAsync();
        await MailRing.ReadyAgentAsync(node, Alice);
        return (node, mail);
    }

    /// <summary>Stops the node's POST actors and waits until they are gone.</summary>
    private static async Task StopPostAsync(NodeHost node)
    {
        var office = node.Mail!.PostOffice;
        var agent = node.Mail.Agents[Alice];
        await office.GracefulStop(TimeSpan.FromSeconds(10));
        Assert.True(agent.IsNobody() || await agent.GracefulStop(TimeSpan.FromSeconds(10)), "the mailbox agent outlived its post office");
    }

    [Fact]
    public async Task Imap_pop3_and_smtp_sessions_get_their_error_replies_and_stay_usable()
    {
        var (node, mail) = await RingAsync();
        await using var _ = mail;
        var endpoints = node.MailEndpoints!;

        var imapLog = new MemoryStream();
        using var imap = new ImapClient(new ProtocolLogger(imapLog, leaveOpen: true)) { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = ClientTimeoutMs };
        await imap.ConnectAsync(endpoints.Host, endpoints.Imap, SecureSocketOptions.StartTls);
        await imap.AuthenticateAsync(Alice, Password);
        await imap.Inbox.AppendAsync(new AppendRequest(Letter("before")));
        await imap.Inbox.OpenAsync(FolderAccess.ReadWrite);
        Assert.Equal(1, imap.Inbox.Count);

        using var pop3 = new Pop3Client { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = ClientTimeoutMs };
        await pop3.ConnectAsync(endpoints.Host, endpoints.Pop3, SecureSocketOptions.StartTls);
        await pop3.AuthenticateAsync(Alice, Password);
        Assert.Equal(1, pop3.Count);

        using var smtp = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = ClientTimeoutMs };
        await smtp.ConnectAsync(endpoints.Host, endpoints.Smtp, SecureSocketOptions.StartTls);
        await smtp.AuthenticateAsync(Alice, Password);

        await StopPostAsync(node);

        // IMAP: FETCH of the selected folder, then SELECT, answered NO [UNAVAILABLE]; NOOP and LOGOUT still answered.
        var fetch = await Assert.ThrowsAsync<ImapCommandException>(() => imap.Inbox.GetMessageAsync(0));
        Assert.Equal(ImapCommandResponse.No, fetch.Response);
        var select = await Assert.ThrowsAsync<ImapCommandException>(() => imap.GetFolder("INBOX").OpenAsync(FolderAccess.ReadOnly));
        Assert.Equal(ImapCommandResponse.No, select.Response);
        await imap.NoOpAsync();
        await imap.DisconnectAsync(quit: true);
        var wire = Encoding.UTF8.GetString(imapLog.ToArray());
        Assert.Contains(" NO [UNAVAILABLE] The mail store did not answer within 1 s", wire);

        // POP3: STAT answers from the session's listing (RFC 1939 fixes it at login); RETR needs the mailbox.
        await pop3.NoOpAsync();
        var retr = await Assert.ThrowsAsync<Pop3CommandException>(() => pop3.GetMessageAsync(0));
        Assert.StartsWith("[SYS/TEMP] The mail store did not answer", retr.StatusText);
        await pop3.NoOpAsync();
        await pop3.DisconnectAsync(quit: true);

        // SMTP: MAIL, RCPT and DATA are answered; the message is accepted into the node's own spool, which does not
        // need POST (delivery retries until POST is back).
        await smtp.SendAsync(Letter("while POST is down"));
        await smtp.NoOpAsync();
        await smtp.DisconnectAsync(quit: true);
    }
}
