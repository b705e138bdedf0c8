using System.Diagnostics;
using ePost.Mail.Tests.Fixtures;
using ePost.Mail.Backend;

namespace ePost.Mail.Tests.Imap.Listener;

/// <summary>
/// A second opinion from mbsync (isync, in .ci/apt-packages): two-way sync between the listener and a Maildir over
/// STARTTLS. A flag change and a new message made locally, a deletion and a new message made on the server, then a
/// run that finds nothing left to do.
/// </summary>
public sealed class MbsyncTests : ImapListenerFixture
{
    private string Maildir => Path.Combine(DataDirectory, "maildir");

    private string Inbox => Path.Combine(Maildir, "INBOX");

    [Fact]
    public async Task Mbsync_syncs_both_ways_and_a_second_run_changes_nothing()
    {
        _ = DebianProgram.Mbsync;
        Deliver("INBOX", "From: bob@ring.test\r\nSubject: first\r\nMessage-ID: <m1@ring.test>\r\n\r\none\r\n");
        Deliver("INBOX", "From: bob@ring.test\r\nSubject: second\r\nMessage-ID: <m2@ring.test>\r\n\r\ntwo\r\n");
        var port = await StartAsync(Factory());
        var config = WriteConfig(port);

        await RunAsync(config);
        var pulled = MaildirFiles();
        Assert.Equal(2, pulled.Count);

        // Locally: read "first" (flag S) and file a new message. On the server: "second" is expunged, "third" arrives.
        var first = pulled.Single(f => File.ReadAllText(f).Contains("Subject: first"));
        File.Move(first, first[..first.LastIndexOf(':')] + ":2,S");
        File.WriteAllText(Path.Combine(Inbox, "new", "1736000000.local.host"), "From: alice@ring.test\r\nSubject: local\r\n\r\nwritten offline\r\n");
        await Store.StoreFlagsAsync(Alice, "INBOX", [2], FlagChange.Add, ["\\Deleted"], CancellationToken.None);
        await Store.ExpungeAsync(Alice, "INBOX", [2], CancellationToken.None);
        Deliver("INBOX", "From: bob@ring.test\r\nSubject: third\r\nMessage-ID: <m3@ring.test>\r\n\r\nthree\r\n");

        await RunAsync(config);
        var server = await Store.ReadFolderAsync(Alice, "INBOX", CancellationToken.None);
        var subjects = new List<string>();
        foreach (var m in server.Messages)
            subjects.Add(System.Text.Encoding.UTF8.GetString(Stored("INBOX", m.Uid)).Split("\r\n").Single(l => l.StartsWith("Subject: ")));
        Assert.Equal(["Subject: first", "Subject: third", "Subject: local"], subjects);
        Assert.Contains("\\Seen", server.Messages[0].Flags);
        var local = MaildirFiles().Select(File.ReadAllText).ToList();
        Assert.Equal(3, local.Count);
        Assert.DoesNotContain(local, text => text.Contains("Subject: second"));
        Assert.Contains(local, text => text.Contains("Subject: third"));

        var before = (server.UidNext, server.HighestModSeq, Files: MaildirFiles().Select(Path.GetFileName).Order().ToList());
        await RunAsync(config);
        var after = await Store.ReadFolderAsync(Alice, "INBOX", CancellationToken.None);
        Assert.Equal(before.UidNext, after.UidNext);
        Assert.Equal(before.HighestModSeq, after.HighestModSeq);
        Assert.Equal(before.Files, MaildirFiles().Select(Path.GetFileName).Order().ToList());
    }

    private List<string> MaildirFiles() =>
        Directory.Exists(Inbox) ? Directory.GetFiles(Path.Combine(Inbox, "cur")).Concat(Directory.GetFiles(Path.Combine(Inbox, "new"))).ToList() : [];

    private string WriteConfig(int port)
    {
        Directory.CreateDirectory(Maildir);
        var certificate = Path.Combine(DataDirectory, "node.pem");
        File.WriteAllText(certificate, Certificate.ExportCertificatePem());
        var config = Path.Combine(DataDirectory, "mbsyncrc");
        File.WriteAllText(config, $"""
            IMAPAccount epost
            Host localhost
            Port {port}
            User alice
            Pass secret
            SSLType STARTTLS
            CertificateFile {certificate}
            AuthMechs PLAIN

            IMAPStore remote
            Account epost

            MaildirStore local
            Path {Maildir}/
            Inbox {Inbox}
            SubFolders Verbatim

            Channel sync
            Far :remote:
            Near :local:
            Patterns INBOX
            Create Both
            Expunge Both
            SyncState *
            """);
        return config;
    }

    private static async Task RunAsync(string config)
    {
        var start = new ProcessStartInfo(DebianProgram.Mbsync, ["-c", config, "sync"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var mbsync = Process.Start(start)!;
        var output = mbsync.StandardOutput.ReadToEndAsync();
        var errors = mbsync.StandardError.ReadToEndAsync();
        await mbsync.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(mbsync.ExitCode == 0, $"mbsync failed ({mbsync.ExitCode}): {await errors}\n{await output}");
    }
}
