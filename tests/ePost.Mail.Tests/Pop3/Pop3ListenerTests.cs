using ePost.Mail.Pop3;
using ePost.Mail.Sessions;
using ePost.Mail.Tests.Fixtures;
using MailKit.Net.Pop3;
using MailKit.Security;

namespace ePost.Mail.Tests.Pop3;

/// <summary>POP3 over real loopback sockets with MailKit's Pop3Client.</summary>
public sealed class Pop3ListenerTests : ListenerFixture
{
    private readonly InMemoryUserDirectory directory = InMemoryUserDirectory.Standard();
    private readonly InMemoryMailbox mailbox = new();

    private Pop3SessionFactory Factory() =>
        new(new Pop3Settings("localhost"), directory, mailbox, new LoginThrottle(LoginThrottleSettings.Default, Scheduler));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task MailKit_reads_and_deletes_over_stls_or_implicit_tls(bool implicitTls)
    {
        mailbox.Add("alice", "u1", "Subject: one\r\n\r\n.starts with a dot\r\n");
        mailbox.Add("alice", "u2", "Subject: two\r\n\r\nsecond\r\n");
        var port = await StartAsync(Factory(), implicitTls);

        using var client = new Pop3Client { ServerCertificateValidationCallback = (_, certificate, _, _) => IsOurCertificate(certificate) };
        await client.ConnectAsync("localhost", port, implicitTls ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls);
        Assert.True(client.IsSecure);
        Assert.True(client.Capabilities.HasFlag(Pop3Capabilities.UIDL));
        await client.AuthenticateAsync("alice", "secret");
        Assert.Equal(2, client.Count);
        Assert.Equal(["u1", "u2"], await client.GetMessageUidsAsync());
        var first = await client.GetMessageAsync(0);
        Assert.Equal(".starts with a dot", first.TextBody!.TrimEnd());
        var headers = await client.GetMessageHeadersAsync(1);
        Assert.Equal("two", headers[MimeKit.HeaderId.Subject]);
        await client.DeleteMessageAsync(0);
        Assert.Equal(["u1", "u2"], mailbox.Uids("alice"));
        await client.DisconnectAsync(quit: true);

        Assert.Equal(["u2"], mailbox.Uids("alice"));
    }
}
