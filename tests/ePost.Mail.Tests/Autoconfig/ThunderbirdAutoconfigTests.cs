using System.Xml.Linq;
using ePost.Mail.Autoconfig;

namespace ePost.Mail.Tests.Autoconfig;

/// <summary>Thunderbird's config-v1.1.xml as a pure function of a node's mail ports, read back with System.Xml.</summary>
public sealed class ThunderbirdAutoconfigTests
{
    private static readonly MailServerPorts Ports = new("mail.ring.test", Imap: 143, Imaps: 993, Pop3: 110, Pop3s: 995, Smtp: 587, Smtps: 465);

    private static List<(string Element, string Type, string Host, int Port, string Socket, string User)> Servers(XDocument document) =>
        document.Root!.Element("emailProvider")!.Elements()
            .Where(e => e.Name.LocalName is "incomingServer" or "outgoingServer")
            .Select(e => (e.Name.LocalName, (string)e.Attribute("type")!, (string)e.Element("hostname")!, (int)e.Element("port")!,
                (string)e.Element("socketType")!, (string)e.Element("username")!))
            .ToList();

    [Fact]
    public void Every_listener_is_listed_with_its_port_and_tls_mode_implicit_tls_first()
    {
        var document = XDocument.Parse(ThunderbirdAutoconfig.Generate(Ports, "Alice@Ring.Test"));

        Assert.Equal("clientConfig", document.Root!.Name.LocalName);
        Assert.Equal("1.1", (string?)document.Root.Attribute("version"));
        var provider = document.Root.Element("emailProvider")!;
        Assert.Equal("ring.test", (string?)provider.Attribute("id"));
        Assert.Equal("ring.test", (string?)provider.Element("domain"));
        Assert.Equal(
        [
            ("incomingServer", "imap", "mail.ring.test", 993, "SSL", "Alice@Ring.Test"),
            ("incomingServer", "imap", "mail.ring.test", 143, "STARTTLS", "Alice@Ring.Test"),
            ("incomingServer", "pop3", "mail.ring.test", 995, "SSL", "Alice@Ring.Test"),
            ("incomingServer", "pop3", "mail.ring.test", 110, "STARTTLS", "Alice@Ring.Test"),
            ("outgoingServer", "smtp", "mail.ring.test", 465, "SSL", "Alice@Ring.Test"),
            ("outgoingServer", "smtp", "mail.ring.test", 587, "STARTTLS", "Alice@Ring.Test"),
        ], Servers(document));
        Assert.All(provider.Elements().Where(e => e.Name.LocalName.EndsWith("Server", StringComparison.Ordinal)),
            server => Assert.Equal("password-cleartext", (string?)server.Element("authentication")));
    }

    [Fact]
    public void Listeners_that_are_off_are_left_out_and_text_is_escaped()
    {
        var ports = Ports with { Pop3 = -1, Pop3s = -1, Imap = 0, Host = "a<b>&c" };
        var document = XDocument.Parse(ThunderbirdAutoconfig.Generate(ports, "o'neil@ring.test"));

        Assert.Equal([993, 465, 587], Servers(document).Select(s => s.Port));
        Assert.All(Servers(document), s => Assert.Equal("a<b>&c", s.Host));
        Assert.All(Servers(document), s => Assert.Equal("o'neil@ring.test", s.User));
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>", ThunderbirdAutoconfig.Generate(ports, "x@ring.test"));
    }

    [Fact]
    public void An_address_without_a_domain_is_refused() =>
        Assert.Throws<ArgumentException>(() => ThunderbirdAutoconfig.Generate(Ports, "alice"));
}
