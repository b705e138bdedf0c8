using System.Diagnostics;
using System.Runtime.CompilerServices;
using ePost.Mail.Backend;

namespace ePost.Node.Tests;

/// <summary>A second opinion on IMAP over POST: Python's imaplib runs its whole session against a real node.</summary>
[Collection(HeavyTests.Name)]
public sealed class ImaplibOverPostTests
{
    [Fact]
    public async Task Python_imaplib_runs_a_whole_session_against_alices_node()
    {
        await using var mail = new MailRing();
        var node = await mail.AddAsync(mail.Issue("alice@ring.test"));
        await mail.AddAsync();
        await mail.AddAsync();
        await mail.AddAsync();
        await MailRing.ReadyAgentAsync(node, "alice@ring.test");

        var start = new ProcessStartInfo(ePost.Mail.Tests.Fixtures.DebianProgram.Python3, [Script(), node.MailEndpoints!.Imap.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var python = Process.Start(start)!;
        var output = python.StandardOutput.ReadToEndAsync();
        var errors = python.StandardError.ReadToEndAsync();
        await python.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(python.ExitCode == 0, $"imaplib failed: {await errors}");
        Assert.Equal("imaplib session complete", (await output).Trim());
        var folder = await node.Mail!.Store.ReadFolderAsync(new MailUser("alice", "alice@ring.test"), "Python/Übung", CancellationToken.None);
        Assert.Single(folder.Messages);
    }

    /// <summary>The script the IMAP listener tests run against the in-memory store, here against POST.</summary>
    private static string Script([CallerFilePath] string path = "") =>
        Path.Combine(Path.GetDirectoryName(path)!, "..", "ePost.Mail.Tests", "Imap", "Listener", "imaplib_session.py");
}
