using MailKit.Net.Imap;
using MailKit.Security;

namespace ePost.Node.Tests;

/// <summary>
/// What Dovecot's ImapTest found (issue 14), replayed as transcripts against a node with POST underneath: each test is
/// the scripted group it is named after, in the exact lines our server sends.
/// </summary>
[Collection(HeavyTests.Name)]
public sealed class ImapTestFindingsOverPostTests(PostImapRing ring) : IClassFixture<PostImapRing>
{
    [Fact]
    public async Task Atoms_a_name_that_is_not_modified_utf7_gets_no_and_the_connection_stays_open()
    {
        await using var imap = await ImapWire.LoginAsync(ring.Endpoints, PostImapRing.Alice);
        Assert.Equal(["a1 OK LIST completed"], await imap.CommandAsync("a1 LIST \"\" ~foo"));
        Assert.Equal(["a2 NO [NONEXISTENT] There is no folder named ~foo."], await imap.CommandAsync("a2 SELECT ~foo"));
        Assert.Equal(["a3 NO [CANNOT] Mailbox name is not valid modified UTF-7: Invalid modified BASE64 character '''"],
            await imap.CommandAsync("a3 SELECT !#$&'+,-.0123456789:;<=>?@^_`|[}"));
        Assert.Equal(["a4 OK LIST completed"], await imap.CommandAsync("a4 LIST \"\" !#$&'+,-.0123456789:;<=>?@^_`|[}%*"));
        Assert.Equal(["a5 NO [CANNOT] Mailbox name is not valid modified UTF-7: Unterminated '&' section"],
            await imap.CommandAsync("a5 CREATE \"&Jjo\""));
        Assert.Equal(["a6 OK NOOP completed"], await imap.CommandAsync("a6 NOOP"));
    }
}
