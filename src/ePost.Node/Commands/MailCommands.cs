using ePost.Node.Cli;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ePost.Node.Commands;

/// <summary>
/// <c>epost send</c> and <c>epost list</c>: a person's quickest way to exchange mail on a ring, as any mail client
/// would: SMTP submission and IMAP (MailKit) against the user's own node. With <c>--devnet DIR</c> the host, ports and
/// password come from the devnet's <c>devnet.json</c> and the devnet's self-signed certificates are accepted.
/// </summary>
public static class MailCommands
{
    private const string Connection = "[--devnet DIR | --host H --smtp-port P --imap-port P --password PW [--insecure]]";

    /// <summary>The send verb.</summary>
    public static Verb Send => new("send", $"send mail: --from ADDR --to ADDR[,ADDR] [--subject S] [--text T | --file F] {Connection}", SendAsync);

    /// <summary>The list verb.</summary>
    public static Verb List => new("list", $"list a folder: --user ADDR [--folder NAME] {Connection}", ListAsync);

    private static async Task<int> SendAsync(IReadOnlyList<string> args, CancellationToken cancel)
    {
        var options = Arguments.Parse(args);
        var from = options.Get("from") ?? throw new UsageException("--from is required.");
        var to = (options.Get("to") ?? throw new UsageException("--to is required.")).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var account = Account.From(options, from);
        var subject = options.Get("subject") ?? "(no subject)";
        var file = options.Get("file");
        var text = options.Get("text");
        options.RejectUnknown();
        MimeMessage message;
        if (file is not null)
        {
            message = await MimeMessage.LoadAsync(file, cancel);
        }
        else
        {
            message = new MimeMessage { Subject = subject, Body = new TextPart("plain") { Text = text ?? "" } };
            message.From.Add(MailboxAddress.Parse(from));
            foreach (var recipient in to) message.To.Add(MailboxAddress.Parse(recipient));
        }
        using var client = new SmtpClient();
        account.Configure(client);
        await client.ConnectAsync(account.Host, account.SmtpPort, SecureSocketOptions.StartTls, cancel);
        await client.AuthenticateAsync(from, account.Password, cancel);
        var response = await client.SendAsync(message, MailboxAddress.Parse(from), to.Select(MailboxAddress.Parse), cancel);
        await client.DisconnectAsync(quit: true, cancel);
        Console.WriteLine($"sent: {response}");
        return 0;
    }

    private static async Task<int> ListAsync(IReadOnlyList<string> args, CancellationToken cancel)
    {
        var options = Arguments.Parse(args);
        var user = options.Get("user") ?? throw new UsageException("--user is required.");
        var account = Account.From(options, user);
        var folderName = options.Get("folder") ?? "INBOX";
        options.RejectUnknown();
        using var client = new ImapClient();
        account.Configure(client);
        await client.ConnectAsync(account.Host, account.ImapPort, SecureSocketOptions.StartTls, cancel);
        await client.AuthenticateAsync(user, account.Password, cancel);
        var folder = await client.GetFolderAsync(folderName, cancel);
        await folder.OpenAsync(FolderAccess.ReadOnly, cancel);
        Console.WriteLine($"{folder.FullName}: {folder.Count} messages, UIDVALIDITY {folder.UidValidity}");
        if (folder.Count > 0)
        {
            var summaries = await folder.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Flags | MessageSummaryItems.Envelope | MessageSummaryItems.Size, cancel);
            foreach (var summary in summaries)
                Console.WriteLine($"{summary.UniqueId.Id,6}  {summary.Envelope?.Date:yyyy-MM-dd HH:mm}  {summary.Size,8}  {summary.Flags,-16}  {summary.Envelope?.From}  {summary.Envelope?.Subject}");
        }
        await client.DisconnectAsync(quit: true, cancel);
        return 0;
    }

    /// <summary>How to reach one user's node.</summary>
    private sealed record Account(string Host, int SmtpPort, int ImapPort, string Password, bool AcceptAnyCertificate)
    {
        public static Account From(Arguments options, string address)
        {
            if (options.Get("devnet") is { } devnet)
            {
                var user = DevnetJson.ReadOption(devnet).Users.FirstOrDefault(u => string.Equals(u.Address, address, StringComparison.OrdinalIgnoreCase))
                           ?? throw new UsageException($"{address} is not a user of the devnet in {devnet}.");
                return new Account(user.Host, user.SmtpPort, user.ImapPort, user.Password, AcceptAnyCertificate: true);
            }
            return new Account(options.Get("host") ?? "127.0.0.1", options.Int("smtp-port", 2587, 1, 65535), options.Int("imap-port", 2143, 1, 65535),
                options.Get("password") ?? throw new UsageException("--password (or --devnet) is required."), options.Flag("insecure"));
        }

        public void Configure(MailService client)
        {
            if (AcceptAnyCertificate) client.ServerCertificateValidationCallback = (_, _, _, _) => true;
        }
    }
}
