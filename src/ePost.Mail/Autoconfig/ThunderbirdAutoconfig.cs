using System.Text;
using System.Xml;

namespace ePost.Mail.Autoconfig;

/// <summary>Where a node's mail listeners can be reached by a client; a port of 0 or less is a listener that is off.</summary>
/// <param name="Host">The name or address clients connect to.</param>
/// <param name="Imap">IMAP with STARTTLS.</param>
/// <param name="Imaps">IMAP with TLS from the first byte.</param>
/// <param name="Pop3">POP3 with STLS.</param>
/// <param name="Pop3s">POP3 with TLS from the first byte.</param>
/// <param name="Smtp">Submission with STARTTLS.</param>
/// <param name="Smtps">Submission with TLS from the first byte.</param>
public sealed record MailServerPorts(string Host, int Imap, int Imaps, int Pop3, int Pop3s, int Smtp, int Smtps);

/// <summary>
/// Thunderbird's autoconfig document (<c>config-v1.1.xml</c>, the format Thunderbird fetches from
/// <c>/.well-known/autoconfig/mail/config-v1.1.xml</c>) for one user of a node: IMAP, POP3 and SMTP with their ports and
/// TLS modes, so setting up an account takes the address and the password only. A pure function of the node's mail
/// settings. Servers are listed in the order a client should prefer them: TLS from the first byte before STARTTLS, IMAP
/// before POP3.
/// </summary>
public static class ThunderbirdAutoconfig
{
    /// <summary>The document for <paramref name="address"/> on a node listening at <paramref name="ports"/>.</summary>
    /// <exception cref="ArgumentException">When the address has no domain.</exception>
    public static string Generate(MailServerPorts ports, string address)
    {
        ArgumentNullException.ThrowIfNull(ports);
        ArgumentNullException.ThrowIfNull(address);
        var at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1) throw new ArgumentException($"'{address}' is not a mail address.", nameof(address));
        var domain = address[(at + 1)..].ToLowerInvariant();

        var text = new StringBuilder();
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false), OmitXmlDeclaration = false };
        using (var xml = XmlWriter.Create(new StringWriterWithUtf8(text), settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("clientConfig");
            xml.WriteAttributeString("version", "1.1");
            xml.WriteStartElement("emailProvider");
            xml.WriteAttributeString("id", domain);
            xml.WriteElementString("domain", domain);
            xml.WriteElementString("displayName", $"ePost ({domain})");
            xml.WriteElementString("displayShortName", "ePost");
            Server(xml, "incomingServer", "imap", ports.Host, ports.Imaps, "SSL", address);
            Server(xml, "incomingServer", "imap", ports.Host, ports.Imap, "STARTTLS", address);
            Server(xml, "incomingServer", "pop3", ports.Host, ports.Pop3s, "SSL", address);
            Server(xml, "incomingServer", "pop3", ports.Host, ports.Pop3, "STARTTLS", address);
            Server(xml, "outgoingServer", "smtp", ports.Host, ports.Smtps, "SSL", address);
            Server(xml, "outgoingServer", "smtp", ports.Host, ports.Smtp, "STARTTLS", address);
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }
        return text.AppendLine().ToString();
    }

    private static void Server(XmlWriter xml, string element, string type, string host, int port, string socketType, string address)
    {
        if (port <= 0) return;
        xml.WriteStartElement(element);
        xml.WriteAttributeString("type", type);
        xml.WriteElementString("hostname", host);
        xml.WriteElementString("port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        xml.WriteElementString("socketType", socketType);
        // The mail password over the TLS connection (AUTH PLAIN / LOGIN); users log in with their full address.
        xml.WriteElementString("authentication", "password-cleartext");
        xml.WriteElementString("username", address);
        xml.WriteEndElement();
    }

    // A StringWriter reports UTF-16, which would land in the XML declaration; the document is served as UTF-8.
    private sealed class StringWriterWithUtf8(StringBuilder builder) : StringWriter(builder, System.Globalization.CultureInfo.InvariantCulture)
    {
        public override Encoding Encoding => new UTF8Encoding(false);
    }
}
