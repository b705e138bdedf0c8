using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using ePost.Node.Hosting;
using ePost.Post.Access;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ePost.Node.Tests;

/// <summary>
/// The web dashboard of a node in a real three-node ring: who may see it, what it shows, Thunderbird's autoconfig over
/// HTTP, and the page itself in a real headless Chromium, updating live when mail arrives.
/// </summary>
[Collection(HeavyTests.Name)]
public sealed class DashboardTests
{
    private const string Alice = "alice@ring.test";
    private const string Bob = "bob@ring.test";

    private static async Task<(MailRing Mail, NodeHost Alice, NodeHost Bob, NodeHost Third)> RingAsync()
    {
        var mail = new MailRing();
        var alice = await mail.AddAsync(mail.Issue(Alice));
        var bob = await mail.AddAsync(mail.Issue(Bob));
        var third = await mail.AddAsync();
        await MailRing.ReadyAgentAsync(alice, Alice);
        await MailRing.ReadyAgentAsync(bob, Bob);
        await Eventually.True(async () => (await alice.StatusAsync()).Clockwise.Concat((await alice.StatusAsync()).CounterClockwise)
            .Select(n => n.Id).ToHashSet().SetEquals([bob.Identity.Id, third.Identity.Id]), TimeSpan.FromSeconds(60), "alice's node never saw both neighbours");
        await Eventually.True(async () => await MailRing.KnowsCertificateAsync(bob, Alice), TimeSpan.FromSeconds(30), "alice's certificate was never published");
        return (mail, alice, bob, third);
    }

    private static HttpClient Client(NodeHost node, string? user = null, string? password = null)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = node.Dashboard!.Url };
        if (user is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return client;
    }

    [Fact]
    public async Task Only_the_nodes_users_see_its_state_and_they_see_the_ring_storage_and_their_mail()
    {
        var (mail, alice, bob, third) = await RingAsync();
        await using var _ = mail;

        // Without credentials, with a wrong password, or as a user of another node: 401 and nothing of the node's.
        // (Each failed login holds the next reply back longer, as the mail protocols do, so the wrong ones try one path.)
        foreach (var (user, password) in new (string?, string?)[] { (null, null), (Alice, "wrong"), (Bob, "secret") })
        {
            using var stranger = Client(alice, user, password);
            foreach (var path in user is null ? ["/api/status", "/api/events", "/"] : new[] { "/api/status" })
            {
                using var response = await stranger.GetAsync(path);
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                var body = await response.Content.ReadAsStringAsync();
                Assert.DoesNotContain(alice.Identity.Id.ToShortString(), body);
                Assert.DoesNotContain("INBOX", body);
            }
        }
        using (var anonymous = Client(alice))
        using (var response = await anonymous.GetAsync("/api/status"))
            Assert.StartsWith("Basic", response.Headers.WwwAuthenticate.ToString());

        // A script with Basic credentials gets the whole view as JSON.
        using var script = Client(alice, Alice, "secret");
        var view = JsonNode.Parse(await script.GetStringAsync("/api/status"))!;
        Assert.Equal(alice.Identity.Id.ToString(), (string?)view["ring"]!["id"]);
        Assert.True((bool)view["ring"]!["ready"]!);
        var neighbours = view["ring"]!["leaf_set"]!.AsArray().Select(n => (string)n!["id"]!).ToHashSet();
        Assert.Equal(new[] { bob.Identity.Id.ToString(), third.Identity.Id.ToString() }.Order(), neighbours.Order());
        Assert.All(view["ring"]!["leaf_set"]!.AsArray(), n => Assert.True((bool)n!["alive"]!));
        Assert.True((long)view["storage"]!["objects"]! > 0, "alice's node stores nothing although her mailbox is in the ring");
        // What the node would drop unless its writers renew: counted over the next week, from the node's lease counter.
        Assert.Equal(7.0, (double)view["storage"]!["leases_due_window_days"]!);
        Assert.InRange((long)view["storage"]!["leases_due_objects"]!, 0, (long)view["storage"]!["objects"]!);
        Assert.NotNull(view["glacier"]!["archive"]);
        Assert.Equal(Alice, (string?)view["mail"]!["user"]);
        Assert.Contains("INBOX", view["mail"]!["folders"]!.AsArray().Select(f => (string)f!["name"]!));
        Assert.Empty(view["unavailable"]!.AsArray());

        // The login page starts a session; the session cookie opens the page, and logging out ends it.
        using var browser = Client(alice);
        using var login = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["address"] = Alice, ["password"] = "secret" }));
        Assert.Equal(HttpStatusCode.SeeOther, login.StatusCode);
        var cookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("epost_session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        var session = cookie.Split(';')[0];
        using (var page = new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { { "Cookie", session } } })
        using (var response = await browser.SendAsync(page))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        }
        using (var logout = new HttpRequestMessage(HttpMethod.Post, "/logout") { Headers = { { "Cookie", session } } })
            Assert.Equal(HttpStatusCode.SeeOther, (await browser.SendAsync(logout)).StatusCode);
        using (var after = new HttpRequestMessage(HttpMethod.Get, "/api/status") { Headers = { { "Cookie", session } } })
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SendAsync(after)).StatusCode);

        using var failed = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["address"] = Alice, ["password"] = "nope" }));
        Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        Assert.False(failed.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Off_loopback_the_dashboard_speaks_only_https_with_the_certificate_the_nodes_mail_servers_use()
    {
        await using var mail = new MailRing();
        var node = await mail.Ring.AddAsync(mail.Config + "\nepost.dashboard.listen-host = \"0.0.0.0\"", [new LocalUser(mail.Issue(Alice), "secret")], null);
        var url = node.Dashboard!.Url;
        Assert.Equal("https", url.Scheme);

        X509Certificate2? served = null;
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                served = new X509Certificate2(certificate!);
                return true;
            },
        };
        using var client = new HttpClient(handler) { BaseAddress = url };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Alice}:secret")));
        var view = JsonNode.Parse(await client.GetStringAsync("/api/status"))!;
        Assert.Equal(node.Identity.Id.ToString(), (string?)view["ring"]!["id"]);

        // The same certificate IMAPS presents, so a user who trusts the node's mail server trusts its dashboard.
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, node.MailEndpoints!.Imaps);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("localhost");
        Assert.NotNull(served);
        Assert.Equal(tls.RemoteCertificate!.GetCertHashString(), served!.GetCertHashString());

        // Plain HTTP to the same port gets no page and no data.
        using var plain = new HttpClient { BaseAddress = new UriBuilder(url) { Scheme = "http" }.Uri, Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            using var response = await plain.GetAsync("/api/status");
            Assert.False(response.IsSuccessStatusCode);
            Assert.DoesNotContain(node.Identity.Id.ToShortString(), await response.Content.ReadAsStringAsync());
        }
        catch (HttpRequestException)
        {
            // Kestrel closed the connection: it expected a TLS handshake.
        }
    }

    [Fact]
    public async Task Thunderbird_autoconfig_over_http_names_the_nodes_own_ports_and_knows_only_its_users()
    {
        var (mail, alice, _, _) = await RingAsync();
        await using var _ = mail;
        using var thunderbird = Client(alice);

        var document = XDocument.Parse(await thunderbird.GetStringAsync($"/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress={Uri.EscapeDataString(Alice)}"));

        var endpoints = alice.MailEndpoints!;
        var servers = document.Root!.Element("emailProvider")!.Elements().Where(e => e.Name.LocalName.EndsWith("Server", StringComparison.Ordinal)).ToList();
        Assert.Equal([endpoints.Imaps, endpoints.Imap, endpoints.Pop3s, endpoints.Pop3, endpoints.Smtps, endpoints.Smtp], servers.Select(s => (int)s.Element("port")!));
        Assert.All(servers, s => Assert.Equal(Alice, (string?)s.Element("username")));
        using var other = await thunderbird.GetAsync($"/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress={Uri.EscapeDataString(Bob)}");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }

    [Fact]
    public async Task In_chromium_a_user_logs_in_sees_every_neighbour_and_watches_new_mail_arrive_without_a_reload()
    {
        var (mail, alice, bob, third) = await RingAsync();
        await using var _ = mail;
        await using var chromium = await HeadlessChromium.StartAsync();
        var shots = Path.Combine(AppContext.BaseDirectory, "dashboard-screenshots");
        Directory.CreateDirectory(shots);

        await chromium.NavigateAsync(alice.Dashboard!.Url);
        await chromium.WaitForAsync("document.getElementById('login') !== null", TimeSpan.FromSeconds(10), "no login form");
        await File.WriteAllBytesAsync(Path.Combine(shots, "login.png"), await chromium.ScreenshotAsync());
        await chromium.EvaluateAsync($"document.getElementById('address').value = '{Alice}'; document.getElementById('password').value = 'secret'; document.getElementById('sign-in').click(); true");
        await chromium.WaitForAsync("location.pathname === '/' && document.querySelectorAll('#leafset tr').length > 0", TimeSpan.FromSeconds(30), "the dashboard never showed a leaf set");

        string[] expected = [bob.Identity.Id.ToString(), third.Identity.Id.ToString()];
        var shown = (await chromium.EvaluateAsync("[...document.querySelectorAll('#leafset tr')].map(r => r.dataset.id).sort()"))!.AsArray().Select(n => (string)n!).ToArray();
        Assert.Equal(expected.Order(), shown);
        Assert.Equal(3, (int)(await chromium.EvaluateAsync("document.querySelectorAll('#ring circle.node').length"))!);
        await chromium.WaitForAsync("document.getElementById('live').textContent === 'live'", TimeSpan.FromSeconds(10), "the page never subscribed to live updates");
        const string inbox = "Number(document.querySelector('#folders tr[data-folder=\"INBOX\"] .messages').textContent)";
        var before = (int)(await chromium.EvaluateAsync(inbox))!;
        // Marks this document: a reload would lose the mark.
        await chromium.EvaluateAsync("window.sameDocument = 'yes'");

        using (var smtp = new SmtpClient())
        {
            smtp.ServerCertificateValidationCallback = (_, _, _, _) => true;
            await smtp.ConnectAsync("127.0.0.1", bob.MailEndpoints!.Smtp, SecureSocketOptions.StartTls);
            await smtp.AuthenticateAsync(Bob, "secret");
            await smtp.SendAsync(new MimeMessage([MailboxAddress.Parse(Bob)], [MailboxAddress.Parse(Alice)], "Seen on the dashboard", new TextPart("plain") { Text = "Hello" }));
            await smtp.DisconnectAsync(true);
        }

        await chromium.WaitForAsync($"{inbox} === {before + 1}", TimeSpan.FromSeconds(60), "the new message never appeared in the mail panel");
        Assert.Equal("yes", (string?)await chromium.EvaluateAsync("window.sameDocument"));
        await File.WriteAllBytesAsync(Path.Combine(shots, "dashboard.png"), await chromium.ScreenshotAsync());
    }
}
