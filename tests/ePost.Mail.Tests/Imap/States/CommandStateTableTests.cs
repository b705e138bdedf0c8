using ePost.Mail.Imap.Commands;
using ePost.Mail.Imap.States;

namespace ePost.Mail.Tests.Imap.States;

public class CommandStateTableTests
{
    [Fact]
    public void Every_command_type_has_a_row()
    {
        var commandTypes = typeof(ImapCommand).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(ImapCommand)) && !t.IsAbstract);
        Assert.Empty(commandTypes.Except(CommandStateTable.CommandTypes));
    }

    [Theory]
    [InlineData("a LOGIN u p", true, false, false)]
    [InlineData("a STARTTLS", true, false, false)]
    [InlineData("a CAPABILITY", true, true, true)]
    [InlineData("a ID NIL", true, true, true)]
    [InlineData("a ENABLE CONDSTORE", false, true, false)]
    [InlineData("a SELECT INBOX", false, true, true)]
    [InlineData("a APPEND INBOX {1+}\r\nx", false, true, true)]
    [InlineData("a IDLE", false, true, true)]
    [InlineData("a FETCH 1 FLAGS", false, false, true)]
    [InlineData("a UID EXPUNGE 1", false, false, true)]
    [InlineData("a UNSELECT", false, false, true)]
    [InlineData("a CLOSE", false, false, true)]
    public void Commands_are_allowed_only_in_their_states(string line, bool notAuthenticated, bool authenticated, bool selected)
    {
        var reader = new ePost.Mail.Imap.Protocol.ImapCommandReader();
        reader.Append(System.Text.Encoding.ASCII.GetBytes(line + "\r\n"));
        Assert.True(reader.TryRead(out var e));
        var command = new ImapCommandParser().Parse(((ePost.Mail.Imap.Protocol.ImapCommandFramed)e).Frame).Command!;
        Assert.Equal(notAuthenticated, CommandStateTable.IsAllowed(command, ImapSessionState.NotAuthenticated));
        Assert.Equal(authenticated, CommandStateTable.IsAllowed(command, ImapSessionState.Authenticated));
        Assert.Equal(selected, CommandStateTable.IsAllowed(command, ImapSessionState.Selected));
        Assert.False(CommandStateTable.IsAllowed(command, ImapSessionState.Logout));
    }

    [Fact]
    public void Plaintext_connection_offers_starttls_and_disables_login()
    {
        var caps = ImapCapabilities.For(ImapSessionState.NotAuthenticated, tlsActive: false, startTlsAvailable: true, allowPlaintextLogin: false);
        Assert.Equal(["IMAP4rev1", "IMAP4rev2", "LITERAL+", "SASL-IR", "ID", "STARTTLS", "LOGINDISABLED"], caps);
        Assert.True(ImapCapabilities.LoginDisabled(tlsActive: false, allowPlaintextLogin: false));
    }

    [Fact]
    public void Tls_connection_offers_auth_plain_and_no_starttls()
    {
        var caps = ImapCapabilities.For(ImapSessionState.NotAuthenticated, tlsActive: true, startTlsAvailable: true, allowPlaintextLogin: false);
        Assert.Contains("AUTH=PLAIN", caps);
        Assert.DoesNotContain("STARTTLS", caps);
        Assert.DoesNotContain("LOGINDISABLED", caps);
    }

    [Fact]
    public void Authenticated_connection_lists_the_extensions()
    {
        var caps = ImapCapabilities.For(ImapSessionState.Authenticated, tlsActive: true, startTlsAvailable: false,
            allowPlaintextLogin: false, additional: ["CONDSTORE", "STATUS=SIZE", "LIST-STATUS"]);
        Assert.Superset(new HashSet<string> { "IMAP4rev1", "IDLE", "UIDPLUS", "MOVE", "NAMESPACE", "SPECIAL-USE", "CONDSTORE", "STATUS=SIZE" }, caps.ToHashSet());
        Assert.DoesNotContain("STARTTLS", caps);
    }
}
