using System.Diagnostics;
using ePost.Mail.Backend;
using ePost.Mail.Pop3;
using ePost.Mail.Sessions;
using ePost.Mail.Tests.Fixtures;

namespace ePost.Mail.Tests.Pop3;

/// <summary>
/// Second opinion from Python's poplib (Debian's python3, which python3-aiosmtpd in .ci/apt-packages brings along)
/// against a POP3 listener over the mail store: STLS, login, UIDL, sizes, RETR and a deletion applied at QUIT.
/// </summary>
public sealed class PoplibTests : ListenerFixture
{
    private const string Script = """
        import poplib, ssl, sys
        box = poplib.POP3("127.0.0.1", int(sys.argv[1]), timeout=20)
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        box.stls(context)
        box.user("alice")
        box.pass_("secret")
        count, size = box.stat()
        print("stat", count, size)
        for line in box.uidl()[1]:
            print("uidl", line.decode())
        for line in box.list()[1]:
            print("list", line.decode())
        for line in box.retr(2)[1]:
            print("retr", line.decode())
        box.dele(1)
        print("quit", box.quit().decode())
        """;

    private static readonly MailUser Alice = new("alice", "alice@ring.test");

    [Fact]
    public async Task Poplib_lists_retrieves_and_deletes_inbox_messages_of_the_store()
    {
        var store = new SimpleMailStore();
        store.Add(Alice, "INBOX", "Subject: one\r\n\r\nfirst\r\n");
        store.Add(Alice, "INBOX", "Subject: two\r\n\r\n.dot line\r\nlast\r\n");
        var factory = new Pop3SessionFactory(new Pop3Settings("localhost"), InMemoryUserDirectory.Standard(), new MailStoreMailbox(store),
            new LoginThrottle(LoginThrottleSettings.Default, Scheduler));
        var port = await StartAsync(factory);

        var start = new ProcessStartInfo(DebianProgram.Python3) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var python = Process.Start(start)!;
        var output = python.StandardOutput.ReadToEndAsync();
        var errors = python.StandardError.ReadToEndAsync();
        await python.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(python.ExitCode == 0, await errors);

        Assert.Equal(
        [
            "stat 2 56",
            "uidl 1 1000.1", "uidl 2 1000.2",
            "list 1 23", "list 2 33",
            "retr Subject: two", "retr ", "retr .dot line", "retr last",
            "quit +OK localhost ePost POP3 server signing off (1 messages left)",
        ], (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal([2u], (await store.ReadFolderAsync(Alice, "INBOX", CancellationToken.None)).Messages.Select(m => m.Uid));
    }
}
