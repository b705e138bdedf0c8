using ePost.Mail.Dsn;
using ePost.Mail.Smtp.Commands;

namespace ePost.Mail.Tests.Dsn;

/// <summary>RFC 3461's parameters and their xtext encoding, parsed strictly and bounded.</summary>
public sealed class DsnParametersTests
{
    [Theory]
    [InlineData("abc", "abc")]
    [InlineData("a+2Bb+3Dc", "a+b=c")]
    [InlineData("+20x+7e", " x~")]
    [InlineData("", "")]
    public void Xtext_decodes_hex_escapes_and_plain_characters(string xtext, string decoded)
    {
        Assert.True(Xtext.TryDecode(xtext, out var result, out _));
        Assert.Equal(decoded, result);
    }

    [Theory]
    [InlineData("a+", "'+' must be followed by two hex digits")]
    [InlineData("a+4", "'+' must be followed by two hex digits")]
    [InlineData("a+G0", "'+' must be followed by two hex digits")]
    [InlineData("line+0D+0A", "+0D is not a printable character")]
    [InlineData("nul+00", "+00 is not a printable character")]
    [InlineData("a=b", "character '=' is not allowed in xtext")]
    [InlineData("a b", "character ' ' is not allowed in xtext")]
    [InlineData("ü", "character '\\xfc' is not allowed in xtext")]
    public void Xtext_refuses_what_could_break_a_report_field(string xtext, string error)
    {
        Assert.False(Xtext.TryDecode(xtext, out _, out var why));
        Assert.Equal(error, why);
    }

    [Theory]
    [InlineData("a+b=c d")]
    [InlineData("plain@example.org")]
    public void Xtext_encoding_round_trips(string text)
    {
        Assert.True(Xtext.TryDecode(Xtext.Encode(text), out var back, out _));
        Assert.Equal(text, back);
    }

    [Theory]
    [InlineData("NEVER", DsnNotify.Never)]
    [InlineData("success", DsnNotify.Success)]
    [InlineData("SUCCESS,FAILURE,DELAY", DsnNotify.Success | DsnNotify.Failure | DsnNotify.Delay)]
    [InlineData("Delay,Failure", DsnNotify.Delay | DsnNotify.Failure)]
    public void Notify_is_never_alone_or_a_list(string value, DsnNotify expected)
    {
        Assert.True(DsnParameters.TryParseNotify(value, out var notify, out _));
        Assert.Equal(expected, notify);
    }

    [Theory]
    [InlineData("NEVER,SUCCESS")]
    [InlineData("SUCCESS,")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("SOMETIMES")]
    [InlineData("FAILURE,FAILURE")]
    public void Bad_notify_values_get_a_501(string? value)
    {
        Assert.False(DsnParameters.TryParseNotify(value, out _, out var reply));
        Assert.StartsWith("501 5.5.4 Syntax error: NOTIFY", reply);
    }

    [Fact]
    public void Envid_is_bounded_after_decoding()
    {
        Assert.True(DsnParameters.TryParseEnvelopeId(new string('e', DsnParameters.MaxEnvelopeId), out var id, out _));
        Assert.Equal(DsnParameters.MaxEnvelopeId, id.Length);
        Assert.False(DsnParameters.TryParseEnvelopeId(new string('e', DsnParameters.MaxEnvelopeId + 1), out _, out var reply));
        Assert.Equal("501 5.5.4 Syntax error: ENVID longer than 100 characters", reply);
        Assert.False(DsnParameters.TryParseEnvelopeId(new string('e', 10_000), out _, out reply));
        Assert.Equal("501 5.5.4 Syntax error: bad ENVID: too long", reply);
        Assert.False(DsnParameters.TryParseEnvelopeId(null, out _, out reply));
        Assert.Equal("501 5.5.4 Syntax error: ENVID needs a value", reply);
    }

    [Theory]
    [InlineData("rfc822;bob+40ring.test", "rfc822;bob@ring.test")]
    [InlineData("x-local;a+3Bb", "x-local;a;b")]
    public void Orcpt_keeps_its_type_and_decodes_its_address(string value, string expected)
    {
        Assert.True(DsnParameters.TryParseOriginalRecipient(value, out var original, out _));
        Assert.Equal(expected, original);
    }

    [Theory]
    [InlineData("bob@ring.test", "501 5.5.4 Syntax error: ORCPT must be addr-type;address")]
    [InlineData(";bob@ring.test", "501 5.5.4 Syntax error: ORCPT must be addr-type;address")]
    [InlineData("rfc822;", "501 5.5.4 Syntax error: ORCPT must be addr-type;address")]
    [InlineData("rf c822;bob", "501 5.5.4 Syntax error: bad ORCPT address type")]
    [InlineData("rfc822;bob+0Aevil", "501 5.5.4 Syntax error: bad ORCPT address: +0A is not a printable character")]
    public void Bad_orcpt_values_get_a_501(string value, string expected)
    {
        Assert.False(DsnParameters.TryParseOriginalRecipient(value, out _, out var reply));
        Assert.Equal(expected, reply);
    }

    [Fact]
    public void Orcpt_longer_than_500_characters_is_refused()
    {
        Assert.False(DsnParameters.TryParseOriginalRecipient("rfc822;" + new string('a', 494), out _, out var reply));
        Assert.Equal("501 5.5.4 Syntax error: ORCPT longer than 500 characters", reply);
    }

    [Fact]
    public void Rcpt_and_mail_commands_carry_the_parsed_parameters()
    {
        var rcpt = Assert.IsType<RcptCommand>(SmtpCommandParser.Parse("RCPT TO:<bob@ring.test> ORCPT=rfc822;bob+40ring.test NOTIFY=FAILURE"));
        Assert.Equal(new RecipientDsn(DsnNotify.Failure, "rfc822;bob@ring.test"), rcpt.Dsn);
        Assert.Same(RecipientDsn.Default, Assert.IsType<RcptCommand>(SmtpCommandParser.Parse("RCPT TO:<bob@ring.test>")).Dsn);
        var mail = Assert.IsType<MailCommand>(SmtpCommandParser.Parse("MAIL FROM:<alice@ring.test> ret=hdrs envid=abc+2B"));
        Assert.Equal((DsnReturn.Headers, "abc+"), (mail.Return, mail.EnvelopeId));
        Assert.Equal("501 5.5.4 Syntax error: ORCPT given twice",
            Assert.IsType<InvalidCommand>(SmtpCommandParser.Parse("RCPT TO:<bob@ring.test> ORCPT=rfc822;a ORCPT=rfc822;b")).Reply);
    }
}
