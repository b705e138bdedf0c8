using ePost.Mail.Imap.Mime;
using ePost.Mail.Imap.Protocol;
using ePost.Mail.Tests.Imap.Messages;
using MimeKit.Utils;

namespace ePost.Mail.Tests.Imap.Mime;

public class MimeStructureTests
{
    private static string Envelope(string file)
    {
        var writer = new ImapResponseWriter();
        EnvelopeWriter.Write(writer, TestMessages.Load(file).Message);
        return writer.ToString();
    }

    private static string Structure(string file, bool extensible = true)
    {
        var writer = new ImapResponseWriter();
        BodyStructureWriter.Write(writer, TestMessages.Load(file), extensible);
        return writer.ToString();
    }

    [Fact]
    public void Envelope_of_a_plain_multipart_message_defaults_sender_and_reply_to_to_from()
    {
        const string alice = "((\"Alice Example\" NIL \"alice\" \"example.org\"))";
        Assert.Equal(
            $"(\"Tue, 5 Mar 2024 14:07:09 +0100\" \"Report attached\" {alice} {alice} {alice} " +
            "((\"Bob\" NIL \"bob\" \"example.net\")(NIL NIL \"carol\" \"example.net\")) NIL NIL NIL \"<m1@example.org>\")",
            Envelope("mixed-attachment.eml"));
    }

    [Fact]
    public void Bodystructure_of_mixed_with_attachment()
    {
        Assert.Equal(
            "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 27 2 NIL NIL NIL NIL)" +
            "(\"APPLICATION\" \"PDF\" (\"NAME\" \"report.pdf\") NIL NIL \"BASE64\" 28 NIL (\"ATTACHMENT\" (\"FILENAME\" \"report.pdf\")) NIL NIL)" +
            " \"MIXED\" (\"BOUNDARY\" \"b1\") NIL NIL NIL)",
            Structure("mixed-attachment.eml"));
    }

    [Fact]
    public void Body_is_bodystructure_without_extension_data()
    {
        Assert.Equal(
            "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 27 2)" +
            "(\"APPLICATION\" \"PDF\" (\"NAME\" \"report.pdf\") NIL NIL \"BASE64\" 28) \"MIXED\")",
            Structure("mixed-attachment.eml", extensible: false));
    }

    [Fact]
    public void Envelope_keeps_encoded_words_and_describes_an_empty_group()
    {
        string envelope = Envelope("alternative-encoded-words.eml");
        Assert.StartsWith("(\"Wed, 6 Mar 2024 09:00:00 +0000\" \"=?ISO-8859-1?Q?Gr=FC=DFe?= aus Berlin\" ((\"", envelope);
        Assert.Contains(" NIL \"juergen\" \"example.de\"))", envelope);
        Assert.Contains(" ((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)) NIL NIL NIL NIL)", envelope);
        // the display name travels as an encoded-word that decodes to the original
        string name = envelope.Split("((\"")[1].Split('"')[0];
        Assert.StartsWith("=?", name);
        Assert.Equal("J\u00fcrgen M\u00fcller", Rfc2047.DecodePhrase(System.Text.Encoding.ASCII.GetBytes(name)));
    }

    [Fact]
    public void Bodystructure_of_alternative_reports_charsets_and_encodings()
    {
        Assert.Equal(
            "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"ISO-8859-1\") NIL NIL \"QUOTED-PRINTABLE\" 10 1 NIL NIL NIL NIL)" +
            "(\"TEXT\" \"HTML\" (\"CHARSET\" \"UTF-8\") NIL NIL \"7BIT\" 24 1 NIL NIL NIL NIL)" +
            " \"ALTERNATIVE\" (\"BOUNDARY\" \"alt\") NIL NIL NIL)",
            Structure("alternative-encoded-words.eml"));
    }

    [Fact]
    public void Bodystructure_of_a_forwarded_message_nests_envelope_and_structure()
    {
        const string alice = "((\"Alice Example\" NIL \"alice\" \"example.org\"))";
        string innerEnvelope = $"(\"Tue, 5 Mar 2024 14:07:09 +0100\" \"Inner\" {alice} {alice} {alice} NIL NIL NIL NIL NIL)";
        string innerBody =
            "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 10 1 NIL NIL NIL NIL)" +
            "(\"TEXT\" \"HTML\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 12 1 NIL NIL NIL NIL)" +
            " \"ALTERNATIVE\" (\"BOUNDARY\" \"inner\") NIL NIL NIL)";
        Assert.Equal(
            "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 10 1 NIL NIL NIL NIL)" +
            $"(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 260 {innerEnvelope} {innerBody} 14 NIL NIL NIL NIL)" +
            " \"MIXED\" (\"BOUNDARY\" \"outer\") NIL NIL NIL)",
            Structure("forwarded-rfc822.eml"));
    }

    [Fact]
    public void Raw_8bit_header_values_are_served_as_literals()
    {
        string envelope = Envelope("plain-8bit-header.eml");
        Assert.StartsWith("(NIL {16}\r\nGr\u00fc\u00dfe und mehr ((\"=?", envelope);
        Assert.EndsWith("((NIL NIL \"x\" \"example.org\")) NIL NIL \"<parent@example.org>\" NIL)", envelope);
    }

    [Fact]
    public void Single_part_message_without_content_type_is_us_ascii_text()
    {
        Assert.Equal("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 30 2 NIL NIL NIL NIL)",
            Structure("plain-8bit-header.eml"));
    }
}
