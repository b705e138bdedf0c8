using System.Diagnostics;
using ePost.Mail.Tests.Fixtures;
using System.Runtime.CompilerServices;

namespace ePost.Mail.Tests.Imap.Listener;

/// <summary>A second opinion from another client implementation: Python's imaplib runs a whole session (imaplib_session.py).</summary>
public sealed class PythonImaplibTests : ImapListenerFixture
{
    [Fact]
    public async Task Python_imaplib_runs_a_whole_session_against_the_listener()
    {
        var port = await StartAsync(Factory());
        var start = new ProcessStartInfo(DebianProgram.Python3, [Script(), port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
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
        var folder = await Store.ReadFolderAsync(Alice, "Python/Übung", CancellationToken.None);
        Assert.Single(folder.Messages);
    }

    [Fact]
    public async Task Python_zlib_speaks_compress_deflate_with_the_listener()
    {
        var port = await StartAsync(Factory());
        var (exit, output, errors) = await RunAsync(Script("compress_session.py"), port);
        Assert.True(exit == 0, $"compress session failed: {errors}");
        Assert.Equal("compress session complete", output.Trim());
        Assert.Single((await Store.ReadFolderAsync(Alice, "INBOX", CancellationToken.None)).Messages);
    }

    [Fact]
    public async Task Python_imaplib_enables_imap4rev2_and_reads_object_ids_save_dates_and_extended_search()
    {
        var port = await StartAsync(Factory());
        var (exit, output, errors) = await RunAsync(Script("rev2_session.py"), port);
        Assert.True(exit == 0, $"rev2 session failed: {errors}");
        Assert.Equal("rev2 session complete", output.Trim());
    }

    [Fact]
    public async Task Python_imaplib_fetches_decoded_parts_and_literal8_octets_with_binary()
    {
        var port = await StartAsync(Factory());
        var (exit, output, errors) = await RunAsync(Script("binary_session.py"), port);
        Assert.True(exit == 0, $"binary session failed: {errors}");
        Assert.Equal("binary session complete", output.Trim());
    }

    private static async Task<(int Exit, string Output, string Errors)> RunAsync(string script, int port)
    {
        var start = new ProcessStartInfo(DebianProgram.Python3, [script, port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var python = Process.Start(start)!;
        var output = python.StandardOutput.ReadToEndAsync();
        var errors = python.StandardError.ReadToEndAsync();
        await python.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (python.ExitCode, await output, await errors);
    }

    private static string Script(string name = "imaplib_session.py", [CallerFilePath] string path = "") => Path.Combine(Path.GetDirectoryName(path)!, name);
}
