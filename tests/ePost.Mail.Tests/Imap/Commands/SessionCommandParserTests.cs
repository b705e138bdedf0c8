using ePost.Mail.Imap.Commands;

namespace ePost.Mail.Tests.Imap.Commands;

public class SessionCommandParserTests : ParserTestBase
{
    [Theory]
    [InlineData("a CAPABILITY", typeof(CapabilityCommand))]
    [InlineData("a noop", typeof(NoopCommand))]
    [InlineData("a LOGOUT", typeof(LogoutCommand))]
    [InlineData("a StartTLS", typeof(StartTlsCommand))]
    [InlineData("a IDLE", typeof(IdleCommand))]
    [InlineData("a NAMESPACE", typeof(NamespaceCommand))]
    [InlineData("a UNSELECT", typeof(UnselectCommand))]
    [InlineData("a CHECK", typeof(CheckCommand))]
    [InlineData("a CLOSE", typeof(CloseCommand))]
    [InlineData("a EXPUNGE", typeof(ExpungeCommand))]
    public void Argument_free_commands_parse_case_insensitively(string line, Type type)
    {
        var result = ParseWire(line + "\r\n");
        Assert.IsType(type, result.Command);
        Assert.Equal("a", result.Command!.Tag);
    }

    [Theory]
    [InlineData("a NOOP x")]
    [InlineData("a LOGOUT ")]
    [InlineData("a CAPABILITY (")]
    public void Arguments_after_an_argument_free_command_are_bad(string line) =>
        Assert.Equal("Unexpected characters at end of command", Bad(line).Text);

    [Fact]
    public void Login_takes_atoms_quoted_strings_and_literals()
    {
        var atoms = Parse<LoginCommand>("a LOGIN bob secret");
        Assert.Equal(("bob", "secret"), (atoms.User, atoms.Password));
        var quoted = Parse<LoginCommand>("a LOGIN \"bob smith\" \"p\\\"w\\\\\"");
        Assert.Equal(("bob smith", "p\"w\\"), (quoted.User, quoted.Password));
        var literal = ParseWire("a LOGIN {3+}\r\nbob {4+}\r\n\u00e4\u00f6\r\n");
        Assert.Equal("\u00e4\u00f6", ((LoginCommand)literal.Command!).Password);
    }

    [Fact]
    public void Login_never_prints_the_password()
    {
        Assert.DoesNotContain("hunter2", Parse<LoginCommand>("a LOGIN bob hunter2").ToString());
    }

    [Theory]
    [InlineData("a LOGIN bob")]
    [InlineData("a LOGIN")]
    [InlineData("a LOGIN bob  pw")]
    [InlineData("a LOGIN \"bob pw")]
    [InlineData("a LOGIN bob \"pw\\n\"")]
    public void Malformed_login_is_bad(string line) => Bad(line);

    [Fact]
    public void Authenticate_accepts_an_optional_initial_response()
    {
        Assert.Equal(("PLAIN", null), (Parse<AuthenticateCommand>("a AUTHENTICATE plain").Mechanism, Parse<AuthenticateCommand>("a AUTHENTICATE plain").InitialResponse));
        Assert.Equal("AGJvYgBwdw==", Parse<AuthenticateCommand>("a AUTHENTICATE PLAIN AGJvYgBwdw==").InitialResponse);
        Assert.Equal("=", Parse<AuthenticateCommand>("a AUTHENTICATE PLAIN =").InitialResponse);
        Bad("a AUTHENTICATE PLAIN ***");
        Bad("a AUTHENTICATE");
    }

    [Fact]
    public void Id_takes_pairs_or_nil()
    {
        var id = Parse<IdCommand>("a ID (\"name\" \"Thunderbird\" \"version\" NIL)");
        Assert.Equal([new("name", "Thunderbird"), new("version", null)], id.Fields!);
        Assert.Null(Parse<IdCommand>("a ID NIL").Fields);
        Bad("a ID (\"name\")");
        Bad("a ID name");
        Bad("a ID (" + string.Join(' ', Enumerable.Range(0, 31).Select(i => $"\"k{i}\" NIL")) + ")");
    }

    [Fact]
    public void Enable_lists_capabilities_upper_cased()
    {
        Assert.Equal(["CONDSTORE", "UTF8=ACCEPT"], Parse<EnableCommand>("a ENABLE condstore UTF8=ACCEPT").Capabilities);
        Bad("a ENABLE");
    }

    [Fact]
    public void Unknown_commands_and_missing_tags_are_bad()
    {
        Assert.Equal("Unknown command FROB", Bad("a FROB").Text);
        Assert.Equal("Unknown UID command NOOP", Bad("a UID NOOP").Text);
        var untagged = Bad("NOOP");
        Assert.Equal("*", untagged.Tag);
        Assert.Equal("*", Bad("+a NOOP").Tag);
    }

    [Fact]
    public void Command_name_echoed_in_an_error_is_truncated()
    {
        Assert.True(Bad("a " + new string('X', 500)).Text.Length < 60);
    }
}
