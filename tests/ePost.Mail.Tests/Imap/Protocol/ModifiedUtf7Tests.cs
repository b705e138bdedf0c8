using ePost.Mail.Imap.Protocol;

namespace ePost.Mail.Tests.Imap.Protocol;

public class ModifiedUtf7Tests
{
    [Theory]
    [InlineData("INBOX", "INBOX")]
    [InlineData("Entw\u00fcrfe", "Entw&APw-rfe")]
    [InlineData("~peter/mail/\u53f0\u5317/\u65e5\u672c\u8a9e", "~peter/mail/&U,BTFw-/&ZeVnLIqe-")] // RFC 3501 §5.1.3 example
    [InlineData("Tom & Jerry", "Tom &- Jerry")]
    [InlineData("&", "&-")]
    [InlineData("\u00e9", "&AOk-")]
    [InlineData("\U0001F4E7 Mail", "&2D3c5w- Mail")]
    [InlineData("", "")]
    public void Encodes_and_decodes_as_rfc_3501_specifies(string name, string encoded)
    {
        Assert.Equal(encoded, ModifiedUtf7.Encode(name));
        Assert.Equal(name, ModifiedUtf7.Decode(encoded));
    }

    [Theory]
    [InlineData("Gel\u00f6schte Elemente/\u00fcber \u00e4lles")]
    [InlineData("\u0416\u0443\u0440\u043d\u0430\u043b&\u0436\u0443\u0440\u043d\u0430\u043b")]
    [InlineData("a\u0001b")]
    [InlineData("\u65e5\u672c\u8a9e\u65e5\u672c\u8a9e\u65e5")]
    public void Any_name_survives_a_round_trip(string name) =>
        Assert.Equal(name, ModifiedUtf7.Decode(ModifiedUtf7.Encode(name)));

    [Theory]
    [InlineData("&U,BTFw", "Unterminated")]
    [InlineData("&U/BTFw-", "Invalid modified BASE64")]
    [InlineData("&AGE-", "Printable ASCII")]
    [InlineData("&AOk-&AOk-", "Adjacent")]
    [InlineData("&AOl-", "padding")]
    [InlineData("&AO-", "partial")]
    [InlineData("&2D0-", "surrogate")]
    [InlineData("\u00e9", "must be encoded")]
    [InlineData("a\tb", "must be encoded")]
    public void Invalid_encodings_are_rejected_with_a_reason(string encoded, string reason)
    {
        Assert.False(ModifiedUtf7.TryDecode(encoded, out _, out var error));
        Assert.Contains(reason, error, StringComparison.OrdinalIgnoreCase);
        Assert.Throws<FormatException>(() => ModifiedUtf7.Decode(encoded));
    }
}
