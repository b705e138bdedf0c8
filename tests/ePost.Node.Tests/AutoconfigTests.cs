using System.Diagnostics;
using System.Xml.Linq;
using ePost.Node.Commands;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace ePost.Node.Tests;

/// <summary>
/// <c>epost autoconfig --devnet DIR --user ADDRESS</c> (the real program) prints a document whose every server a mail
/// client configured from it alone (host, port, TLS mode, user name) logs in to on a real node.
/// </summary>
[Collection(HeavyTests.Name)]
public sealed class AutoconfigTests
{
    private const string Alice = "alice@ring.test";

    private static async Task<string> AutoconfigAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "epost.dll"));
        info.ArgumentList.Add("autoconfig");
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start epost");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, await errors);
        return await output;
    }

    [Fact]
    public async Task Every_server_in_a_devnet_users_document_takes_the_users_login()
    {
        await using var mail = new MailRing();
        var keys = mail.Issue(Alice);
        var node = await mail.AddAsync(keys);
        await mail.AddAsync();
        await MailRing.ReadyAgentAsync(node, Alice);
        var dir = mail.Ring.NewDataDir("devnet");
        Directory.CreateDirectory(dir);
        DevnetJson.Write(dir, mail.Ca, [new DevnetUser(Alice, "secret", keys)], [node]);

        var document = XDocument.Parse(await AutoconfigAsync("--devnet", dir, "--user", Alice));

        var servers = document.Root!.Element("emailProvider")!.Elements().Where(e => e.Name.LocalName.EndsWith("Server", StringComparison.Ordinal)).ToList();
        var endpoints = node.MailEndpoints!;
        Assert.Equal([endpoints.Imaps, endpoints.Imap, endpoints.Pop3s, endpoints.Pop3, endpoints.Smtps, endpoints.Smtp], servers.Select(s => (int)s.Element("port")!));
        foreach (var server in servers)
        {
            var host = (string)server.Element("hostname")!;
            var port = (int)server.Element("port")!;
            var security = (string)server.Element("socketType")! == "SSL" ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls;
            var user = (string)server.Element("username")!;
            MailKit.MailService client = (string)server.Attribute("type")! switch
            {
                "imap" => new ImapClient(),
                "pop3" => new Pop3Client(),
                "smtp" => new SmtpClient(),
                var other => throw new InvalidOperationException($"unexpected server type {other}"),
            };
            using (client)
            {
                client.ServerCertificateValidationCallback = (_, _, _, _) => true;
                await client.ConnectAsync(host, port, security);
                Assert.True(client.IsSecure, $"{server.Attribute("type")} on {port} is not encrypted");
                await client.AuthenticateAsync(user, "secret");
                Assert.True(client.IsAuthenticated);
                await client.DisconnectAsync(quit: true);
            }
        }
    }
}
